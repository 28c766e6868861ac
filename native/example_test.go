package native_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"

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

// The system store plus a company root, for net/http.
func ExampleClientContext_TLSConfig() {
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
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: ctx.TLSConfig()}}
	resp, err := client.Get("https://intranet.example.com/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
}

// A TLS server from a certificate chain file and a key file.
func ExampleNewServerContext() {
	chain, err := trust.LoadCertificates("server-chain.pem")
	if err != nil {
		log.Fatal(err)
	}
	key, err := trust.LoadPrivateKey("server-key.pem", nil)
	if err != nil {
		log.Fatal(err)
	}
	ctx, err := native.NewServerContext(trust.DefaultConfiguration().
		WithCertificateChain(key, chain...).
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
