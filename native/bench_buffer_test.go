package native

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// The buffer benchmarks compare a client/server Buffer pair, pumped by one
// goroutine entirely in memory, with crypto/tls connections made by the
// same contexts (WrapConn) over net.Pipe. TestBufferBenchTable runs both
// sides in one process and prints the ratios (NATIVETLS_BENCH=1).

const bufBulkSize = 64 << 20

func bufBenchContexts(b testing.TB) (*ClientContext, *ServerContext) {
	p := bufTestPKI(b)
	return newContexts(b, p.bufClientConfig(), p.bufServerConfig())
}

// bufPumpHandshake completes both handshakes, moving all ciphertext each
// round.
func bufPumpHandshake(b testing.TB, client, server *Buffer) {
	for cdone, sdone := false, false; !cdone || !sdone; {
		if !cdone {
			err := client.Handshake()
			if cdone = err == nil; err != nil && !bufIsWant(err) {
				b.Fatal(err)
			}
		}
		bufPumpSome(nil, client, server)
		if !sdone {
			err := server.Handshake()
			if sdone = err == nil; err != nil && !bufIsWant(err) {
				b.Fatal(err)
			}
		}
		bufPumpSome(nil, server, client)
	}
}

// bufTransfer sends size bytes from client to server in writes of
// len(chunk), reading into rbuf.
func bufTransfer(b testing.TB, client, server *Buffer, size int, chunk, rbuf []byte) {
	sent, recv := 0, 0
	for recv < size {
		if sent < size {
			n, err := client.Write(chunk[:min(len(chunk), size-sent)])
			if err != nil && !errors.Is(err, trust.ErrWantWrite) {
				b.Fatal(err)
			}
			sent += n
		}
		bufPumpSome(nil, client, server)
		for {
			n, err := server.Read(rbuf)
			recv += n
			if errors.Is(err, trust.ErrWantRead) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkBufferBulk(b *testing.B) {
	cctx, sctx := bufBenchContexts(b)
	client, server := bufPairCtx(b, cctx, sctx)
	bufPumpHandshake(b, client, server)
	chunk, rbuf := make([]byte, 64<<10), make([]byte, 64<<10)
	b.SetBytes(bufBulkSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		bufTransfer(b, client, server, bufBulkSize, chunk, rbuf)
	}
}

// bufConnPair returns a handshaken client and server *Conn over net.Pipe
// and a function closing the pipe ends.
func bufConnPair(b testing.TB, cctx *ClientContext, sctx *ServerContext) (*Conn, *Conn, func()) {
	c1, c2 := net.Pipe()
	client, err := cctx.WrapConn(c1, "buf.example.test")
	if err != nil {
		b.Fatal(err)
	}
	server, _ := sctx.WrapConn(c2)
	done := make(chan error, 1)
	go func() { done <- server.Handshake() }()
	if err := client.Handshake(); err != nil {
		b.Fatal(err)
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	// Closing the pipe ends, not the tls.Conns: a tls.Conn's Close would
	// wait up to 5 s writing close_notify that nobody reads.
	return client, server, func() { c1.Close(); c2.Close() }
}

func BenchmarkBufferBulkBaselineTLSConn(b *testing.B) {
	cctx, sctx := bufBenchContexts(b)
	client, server, closePipes := bufConnPair(b, cctx, sctx)
	defer closePipes()
	chunk, rbuf := make([]byte, 64<<10), make([]byte, 64<<10)
	b.SetBytes(bufBulkSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		go func() {
			for sent := 0; sent < bufBulkSize; sent += len(chunk) {
				client.Write(chunk)
			}
		}()
		for recv := 0; recv < bufBulkSize; {
			n, err := server.Read(rbuf)
			if err != nil {
				b.Fatal(err)
			}
			recv += n
		}
	}
}

func BenchmarkBufferHandshake(b *testing.B) {
	cctx, sctx := bufBenchContexts(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		client, _ := cctx.WrapBuffers("buf.example.test")
		server, _ := sctx.WrapBuffers()
		bufPumpHandshake(b, client, server)
		client.Close()
		server.Close()
	}
}

func BenchmarkBufferHandshakeBaselineTLSConn(b *testing.B) {
	cctx, sctx := bufBenchContexts(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_, _, closePipes := bufConnPair(b, cctx, sctx)
		closePipes()
	}
}

// BenchmarkBufferRecord16K moves one full 16 KiB record per operation;
// allocs/op is the allocations per record.
func BenchmarkBufferRecord16K(b *testing.B) {
	cctx, sctx := bufBenchContexts(b)
	client, server := bufPairCtx(b, cctx, sctx)
	bufPumpHandshake(b, client, server)
	rec := make([]byte, maxPlaintextRecord)
	// Get past crypto/tls's small initial records.
	bufTransfer(b, client, server, 256<<10, rec, make([]byte, len(rec)))
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		bufTransfer(b, client, server, len(rec), rec, rec)
	}
}

func BenchmarkBufferRecord16KBaselineTLSConn(b *testing.B) {
	cctx, sctx := bufBenchContexts(b)
	client, server, closePipes := bufConnPair(b, cctx, sctx)
	defer closePipes()
	rec, rbuf := make([]byte, maxPlaintextRecord), make([]byte, maxPlaintextRecord)
	go func() { io.Copy(io.Discard, io.LimitReader(server, 256<<10)) }()
	client.Write(make([]byte, 256<<10))
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		go client.Write(rec)
		if _, err := io.ReadFull(server, rbuf); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBufferBenchTable prints "name ours baseline ratio target" rows from
// the benchmarks above, both sides measured in this run. It runs only with
// NATIVETLS_BENCH=1 (ci/bench.sh sets it).
func TestBufferBenchTable(t *testing.T) {
	if os.Getenv("NATIVETLS_BENCH") != "1" {
		t.Skip("set NATIVETLS_BENCH=1 to run the buffer benchmarks")
	}
	bulk := testing.Benchmark(BenchmarkBufferBulk)
	bulkBase := testing.Benchmark(BenchmarkBufferBulkBaselineTLSConn)
	hs := testing.Benchmark(BenchmarkBufferHandshake)
	hsBase := testing.Benchmark(BenchmarkBufferHandshakeBaselineTLSConn)
	rec := testing.Benchmark(BenchmarkBufferRecord16K)
	recBase := testing.Benchmark(BenchmarkBufferRecord16KBaselineTLSConn)
	mbps := func(r testing.BenchmarkResult) float64 {
		return float64(r.Bytes) * float64(r.N) / r.T.Seconds() / 1e6
	}
	perSec := func(r testing.BenchmarkResult) float64 { return float64(r.N) / r.T.Seconds() }
	rows := []struct {
		name         string
		ours, base   float64
		unit, target string
		ratio        float64
	}{
		{"buffer bulk 64MiB (MB/s)", mbps(bulk), mbps(bulkBase), "MB/s", ">=0.80", mbps(bulk) / mbps(bulkBase)},
		{"buffer handshakes/s", perSec(hs), perSec(hsBase), "/s", ">=0.80", perSec(hs) / perSec(hsBase)},
		{"buffer allocs per 16KiB record", float64(rec.AllocsPerOp()), float64(recBase.AllocsPerOp()), "allocs", "ours<=2", 0},
	}
	fmt.Printf("%-34s %12s %12s %7s %s\n", "name", "ours", "baseline", "ratio", "target")
	for _, r := range rows {
		ratio := "-"
		if r.ratio != 0 {
			ratio = fmt.Sprintf("%.2f", r.ratio)
		}
		fmt.Printf("%-34s %12.1f %12.1f %7s %s\n", r.name, r.ours, r.base, ratio, r.target)
	}
}
