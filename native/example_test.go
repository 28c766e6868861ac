package native_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/internal/testproxy"
	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

// A client that trusts what the operating system trusts.
func ExampleNewClientContext() {
	ctx, err := native.NewClientContext(trust.DefaultConfiguration().
		WithInnerProtocols(trust.HTTP1_1))
	if err != nil {
		log.Fatal(err)
	}
	conn, err := ctx.Dial("tcp", "example.com:443")
	if err != nil {
		log.Fatal(err) // a *trust.VerificationError says why in one sentence
	}
	defer conn.Close()
	fmt.Println(conn.ConnectionState().NegotiatedProtocol)
}

// The system store plus a company root, for net/http. HTTPClient verifies
// every connection through the context, including requests that go through
// the proxy named by HTTPS_PROXY.
func ExampleClientContext_HTTPClient_companyRoot() {
	company, err := trust.FromPEMFile("/etc/company/root.pem")
	if err != nil {
		log.Fatal(err)
	}
	system, err := native.Backend().SystemTrustStore()
	if err != nil {
		log.Fatal(err)
	}
	ctx, err := native.NewClientContext(trust.DefaultConfiguration().
		WithTrustStore(trust.Union(system, company)))
	if err != nil {
		log.Fatal(err)
	}
	resp, err := ctx.HTTPClient().Get("https://intranet.example.com/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
}

// exampleServer starts an HTTPS server on 127.0.0.1 for the examples: a
// certificate for www.example.test and 127.0.0.1 issued by a throwaway CA,
// HTTP/2 and HTTP/1.1, answering with the protocol and the client
// certificate's name. It returns the CA and the server's port.
func exampleServer(clientAuth trust.ClientAuth) (ca *testpki.Cert, port string) {
	ca = testpki.Root("Example CA", testpki.Options{})
	leaf := ca.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	cfg := trust.DefaultConfiguration().WithCertificateChain(leaf.Key, leaf.Cert).
		WithInnerProtocols(trust.H2, trust.HTTP1_1)
	if clientAuth != trust.NoClientCert {
		cfg = cfg.WithClientAuth(clientAuth).WithTrustStore(trust.FromCertificates("clients", ca.Cert))
	}
	sctx, err := native.NewServerContext(cfg)
	if err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{TLSConfig: sctx.TLSConfig(), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := "anonymous"
		if len(r.TLS.PeerCertificates) > 0 {
			who = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		fmt.Fprintf(w, "%s from %s", r.Proto, who)
	})}
	go srv.ServeTLS(l, "", "")
	_, port, _ = net.SplitHostPort(l.Addr().String())
	return ca, port
}

// exampleGet returns the body of a GET of target through client.
func exampleGet(client *http.Client, target string) string {
	resp, err := client.Get(target)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	return string(body)
}

// HTTPS to an IP address over HTTP/2, trusting one CA: the address is
// checked against the certificate's IP addresses.
func ExampleClientContext_HTTPClient() {
	ca, port := exampleServer(trust.NoClientCert)
	ctx, err := native.NewClientContext(trust.DefaultConfiguration().
		WithTrustStore(trust.FromCertificates("example CA", ca.Cert)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(exampleGet(ctx.HTTPClient(), "https://127.0.0.1:"+port+"/"))
	// Output: HTTP/2.0 from anonymous
}

// Requests through an HTTP proxy (CONNECT) are verified by the context too:
// its trust store, pins and callback, never Go's default roots.
func ExampleClientContext_HTTPTransport_proxy() {
	ca, port := exampleServer(trust.NoClientCert)
	proxy, err := testproxy.Listen() // a CONNECT proxy on 127.0.0.1
	if err != nil {
		log.Fatal(err)
	}
	defer proxy.Close()
	ctx, err := native.NewClientContext(trust.DefaultConfiguration().
		WithTrustStore(trust.FromCertificates("example CA", ca.Cert)).
		WithPins(trust.PinOf(ca.Cert)))
	if err != nil {
		log.Fatal(err)
	}
	tr := ctx.HTTPTransport()
	proxyURL, _ := url.Parse(proxy.URL())
	tr.Proxy = http.ProxyURL(proxyURL) // by default: HTTPS_PROXY and NO_PROXY
	body := exampleGet(&http.Client{Transport: tr}, "https://www.example.test:"+port+"/")
	fmt.Println(body, "through", proxy.Tunnels(), "tunnel")
	// Output: HTTP/2.0 from anonymous through 1 tunnel
}

// Mutual TLS: the server requires a client certificate and verifies it with
// its trust store; the client presents its chain (its key could be in an
// HSM: LoadIdentity("pkcs11:…")).
func ExampleServerContext_mutualTLS() {
	ca, port := exampleServer(trust.RequireClientCert)
	client := ca.Leaf(testpki.Options{DNSNames: []string{"client.example.test"}})
	ctx, err := native.NewClientContext(trust.DefaultConfiguration().
		WithTrustStore(trust.FromCertificates("example CA", ca.Cert)).
		WithCertificateChain(client.Key, client.Cert))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(exampleGet(ctx.HTTPClient(), "https://127.0.0.1:"+port+"/"))
	// Output: HTTP/2.0 from client.example.test
}

// A TLS server from a certificate chain file and a key file.
func ExampleNewServerContext() {
	chain, err := native.LoadIdentity("server-chain.pem", native.WithKey("server-key.pem"))
	if err != nil {
		log.Fatal(err)
	}
	ctx, err := native.NewServerContext(trust.DefaultConfiguration().
		WithCertificateChains(chain).
		WithInnerProtocols(trust.H2, trust.HTTP1_1))
	if err != nil {
		log.Fatal(err)
	}
	// net/http needs *tls.Conn values, so give it the context's tls.Config;
	// Listen and WrapConn serve everything else.
	srv := &http.Server{Addr: ":8443", TLSConfig: ctx.TLSConfig(),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintln(w, "hello over", tls.VersionName(r.TLS.Version))
		})}
	log.Fatal(srv.ListenAndServeTLS("", ""))
}

// A tls.Config for one connection the program dials itself: the name given
// (an IP address here) is the one checked, and the context verifies.
func ExampleClientContext_TLSConfigFor() {
	ca, port := exampleServer(trust.NoClientCert)
	ctx, err := native.NewClientContext(trust.DefaultConfiguration().
		WithTrustStore(trust.FromCertificates("example CA", ca.Cert)))
	if err != nil {
		log.Fatal(err)
	}
	tc, err := ctx.TLSConfigFor("127.0.0.1")
	if err != nil {
		log.Fatal(err)
	}
	raw, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		log.Fatal(err)
	}
	conn := tls.Client(raw, tc)
	defer conn.Close()
	if err := conn.Handshake(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(conn.ConnectionState().PeerCertificates[0].IPAddresses)
	// Output: [127.0.0.1]
}
