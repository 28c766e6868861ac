package native

import (
	"errors"
	"fmt"
	"io"
	"log"

	"github.com/nativetls/nativetls/trust"
)

// This example runs a client and a server entirely in memory: the caller
// moves ciphertext between the two buffers, as it would between a buffer
// and any transport (WebSocket messages, an SSH channel, a serial link).
func ExampleClientContext_WrapBuffers() {
	p := bufTestPKI(nil)
	cctx, err := NewClientContext(p.bufClientConfig().WithInnerProtocols(trust.H2))
	if err != nil {
		log.Fatal(err)
	}
	sctx, err := NewServerContext(p.bufServerConfig().WithInnerProtocols(trust.H2))
	if err != nil {
		log.Fatal(err)
	}
	client, _ := cctx.WrapBuffers("buf.example.test")
	defer client.Close()
	server, _ := sctx.WrapBuffers()
	defer server.Close()

	// move delivers everything one side queued to the other.
	move := func(from, to *Buffer) { to.ReceiveFromNetwork(from.TakeOutgoing(nil)) }
	for {
		cerr := client.Handshake()
		move(client, server)
		serr := server.Handshake()
		move(server, client)
		if cerr == nil && serr == nil {
			break
		}
		if (cerr != nil && !errors.Is(cerr, trust.ErrWantRead)) || (serr != nil && !errors.Is(serr, trust.ErrWantRead)) {
			log.Fatal(cerr, serr)
		}
	}
	fmt.Println(client.NegotiatedVersion(), client.NegotiatedProtocol())

	client.Write([]byte("hello"))
	client.Shutdown()
	move(client, server)
	buf := make([]byte, 100)
	n, _ := server.Read(buf)
	fmt.Printf("%s\n", buf[:n])
	_, err = server.Read(buf)
	fmt.Println(err == io.EOF)
	// Output:
	// TLSv1.3 h2
	// hello
	// true
}

// This example runs a client over an io.ReadWriter that is not a net.Conn.
func ExampleNewStream() {
	cctx, err := NewClientContext(trust.DefaultConfiguration())
	if err != nil {
		log.Fatal(err)
	}
	var transport io.ReadWriter // e.g. a WebSocket or SSH channel wrapper
	b, err := cctx.WrapBuffers("example.com")
	if err != nil {
		log.Fatal(err)
	}
	s := NewStream(b, transport)
	defer s.Close()
	// s.Handshake(), s.Write(request), s.Read(response) …
}
