package grpccreds_test

import (
	"context"
	"fmt"
	"log"
	"net"

	"github.com/nativetls/nativetls/grpccreds"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// A gRPC server and client over native contexts, with mutual TLS: the
// server's key could come from an HSM (native.LoadIdentity("pkcs11:…")),
// the client trusts one CA, and the target is an IP address, which is
// checked against the server certificate's IP addresses.
func Example() {
	ca := testpki.Root("Example CA", testpki.Options{})
	serverCert := ca.Leaf(testpki.Options{DNSNames: []string{"grpc.example.test"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	clientCert := ca.Leaf(testpki.Options{DNSNames: []string{"client.example.test"}})
	cas := trust.FromCertificates("example CA", ca.Cert)

	sctx, err := native.NewServerContext(trust.DefaultConfiguration().
		WithCertificateChain(serverCert.Key, serverCert.Cert).
		WithClientAuth(trust.RequireClientCert).WithTrustStore(cas))
	if err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(grpccreds.NewServerCredentials(sctx)))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go srv.Serve(l)
	defer srv.Stop()

	cctx, err := native.NewClientContext(trust.DefaultConfiguration().
		WithTrustStore(cas).WithCertificateChain(clientCert.Key, clientCert.Cert))
	if err != nil {
		log.Fatal(err)
	}
	conn, err := grpc.NewClient(l.Addr().String(), grpc.WithTransportCredentials(grpccreds.NewClientCredentials(cctx)))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	resp, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status)
	// Output: SERVING
}
