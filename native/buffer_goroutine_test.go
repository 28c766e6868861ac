package native

import (
	"runtime"
	"testing"
	"time"
)

// bufWaitGoroutines lets exiting goroutines finish and returns the count
// once it is at most want, or the last count seen. It asserts no timing:
// it only gives the scheduler and the garbage collector enough turns.
func bufWaitGoroutines(want int, gc bool) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 500 && n > want; i++ {
		if gc {
			runtime.GC()
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// bufStartHandshakes leaves count pairs parked mid-handshake in various
// states: client waiting for the server, server waiting for the client's
// Finished, and completed.
func bufStartHandshakes(t *testing.T, count int) []*Buffer {
	p := bufTestPKI(t)
	cctx, _ := NewClientContext(p.bufClientConfig())
	sctx, _ := NewServerContext(p.bufServerConfig())
	var all []*Buffer
	for i := 0; i < count; i++ {
		client, _ := cctx.WrapBuffers("buf.example.test")
		server, _ := sctx.WrapBuffers()
		all = append(all, client, server)
		client.Handshake()
		switch i % 3 {
		case 1:
			bufPumpSome(nil, client, server)
			server.Handshake()
		case 2:
			bufHandshake(t, nil, client, server)
		}
	}
	return all
}

func TestBufferCloseEndsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	all := bufStartHandshakes(t, 30)
	if n := runtime.NumGoroutine(); n <= before {
		t.Fatalf("%d goroutines with handshakes parked, %d before: the test parks nothing", n, before)
	}
	for _, b := range all {
		b.Close()
	}
	if n := bufWaitGoroutines(before, false); n > before {
		t.Fatalf("%d goroutines after Close, %d before", n, before)
	}
}

func TestBufferAbandonedIsCleanedUp(t *testing.T) {
	before := runtime.NumGoroutine()
	if len(bufStartHandshakes(t, 10)) == 0 { // dropped at once
		t.Fatal("no buffers")
	}
	if n := bufWaitGoroutines(before, true); n > before {
		t.Fatalf("%d goroutines after abandoning buffers, %d before", n, before)
	}
}
