package grpccreds_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/grpccreds"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
)

type pki struct {
	root, inter, leaf, client *testpki.Cert
	store                     trust.TrustStore
}

func newPKI(name string, o testpki.Options) *pki {
	root := testpki.Root(name+" Root", testpki.Options{})
	inter := root.Intermediate(name+" Intermediate", testpki.Options{})
	if o.DNSNames == nil {
		o.DNSNames = []string{"grpc.example.test"}
		o.IPs = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}
	}
	return &pki{root: root, inter: inter, leaf: inter.Leaf(o),
		client: inter.Leaf(testpki.Options{DNSNames: []string{"client.example.test"}}),
		store:  trust.FromCertificates(name, root.Cert)}
}

// serve starts a gRPC server with the health service on 127.0.0.1 (or ::1).
func serve(t *testing.T, cfg trust.Configuration, network, addr string) string {
	t.Helper()
	sctx, err := native.NewServerContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := grpc.NewServer(grpc.Creds(grpccreds.NewServerCredentials(sctx)))
	healthpb.RegisterHealthServer(s, health.NewServer())
	go s.Serve(l)
	t.Cleanup(s.Stop)
	return l.Addr().String()
}

// check calls Health.Check on target and returns the negotiated ALPN.
func check(t *testing.T, cfg trust.Configuration, target string, opts ...grpc.DialOption) (string, error) {
	t.Helper()
	cctx, err := native.NewClientContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(target, append(opts, grpc.WithTransportCredentials(grpccreds.NewClientCredentials(cctx)))...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var p peer.Peer
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.Peer(&p), grpc.WaitForReady(false))
	if err != nil {
		return "", err
	}
	if resp.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("status %v", resp.Status)
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok {
		t.Fatalf("AuthInfo %T, want credentials.TLSInfo", p.AuthInfo)
	}
	return info.State.NegotiatedProtocol, nil
}

func serverCfg(p *pki) trust.Configuration {
	return trust.DefaultConfiguration().WithCertificateChain(p.leaf.Key, p.leaf.Cert, p.inter.Cert)
}

func TestIPTargetsAndH2(t *testing.T) {
	p := newPKI("Test", testpki.Options{})
	client := trust.DefaultConfiguration().WithTrustStore(p.store)
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		target := serve(t, serverCfg(p), "tcp", addr)
		alpn, err := check(t, client, target)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if alpn != "h2" {
			t.Fatalf("%s: ALPN %q, want h2", target, alpn)
		}
	}
	// The configuration's own protocols do not matter: h2 is offered.
	target := serve(t, serverCfg(p).WithInnerProtocols(trust.HTTP1_1), "tcp", "127.0.0.1:0")
	if _, err := check(t, client.WithInnerProtocols(trust.HTTP1_1), target); err != nil {
		t.Fatalf("HTTP/1.1 configurations: %v", err)
	}
}

func TestDNSTarget(t *testing.T) {
	p := newPKI("Test", testpki.Options{})
	addr := serve(t, serverCfg(p), "tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(addr)
	dial := grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	})
	client := trust.DefaultConfiguration().WithTrustStore(p.store)
	if _, err := check(t, client, "passthrough:///grpc.example.test:"+port, dial); err != nil {
		t.Fatalf("DNS target: %v", err)
	}
	_, err := check(t, client, "passthrough:///wrong.example.test:"+port, dial)
	if err == nil || !strings.Contains(err.Error(), "wrong.example.test") {
		t.Fatalf("wrong name: %v, want a hostname error", err)
	}
}

func TestRefusals(t *testing.T) {
	p := newPKI("Test", testpki.Options{})
	other := newPKI("Other", testpki.Options{})
	target := serve(t, serverCfg(p), "tcp", "127.0.0.1:0")
	if _, err := check(t, trust.DefaultConfiguration().WithTrustStore(other.store), target); err == nil {
		t.Fatal("a server the store does not trust was accepted")
	}
	if _, err := check(t, trust.DefaultConfiguration().WithTrustStore(p.store).WithPins(trust.PinOf(other.root.Cert)), target); err == nil {
		t.Fatal("a non-matching pin was accepted")
	}
	errNo := errors.New("callback says no")
	_, err := check(t, trust.DefaultConfiguration().WithTrustStore(p.store).WithVerifyCallback(func(trust.VerifyInfo) error { return errNo }), target)
	if err == nil || !strings.Contains(err.Error(), errNo.Error()) {
		t.Fatalf("callback refusal: %v", err)
	}
	// A certificate without the IP address is refused for an IP target.
	dnsOnly := p.inter.Leaf(testpki.Options{DNSNames: []string{"grpc.example.test"}})
	target2 := serve(t, trust.DefaultConfiguration().WithCertificateChain(dnsOnly.Key, dnsOnly.Cert, p.inter.Cert), "tcp", "127.0.0.1:0")
	if _, err := check(t, trust.DefaultConfiguration().WithTrustStore(p.store), target2); err == nil {
		t.Fatal("IP target accepted a certificate without that IP address")
	}
}

func TestMutualTLS(t *testing.T) {
	p := newPKI("Test", testpki.Options{})
	scfg := serverCfg(p).WithClientAuth(trust.RequireClientCert).WithTrustStore(p.store)
	target := serve(t, scfg, "tcp", "127.0.0.1:0")
	client := trust.DefaultConfiguration().WithTrustStore(p.store)
	if _, err := check(t, client.WithCertificateChain(p.client.Key, p.client.Cert, p.inter.Cert), target); err != nil {
		t.Fatalf("mTLS with a trusted client certificate: %v", err)
	}
	if _, err := check(t, client, target); err == nil {
		t.Fatal("a client without a certificate was accepted")
	}
	other := newPKI("Other", testpki.Options{})
	if _, err := check(t, client.WithCertificateChain(other.client.Key, other.client.Cert, other.inter.Cert), target); err == nil {
		t.Fatal("a client certificate from an untrusted CA was accepted")
	}
}

func TestOverrideServerName(t *testing.T) {
	p := newPKI("Test", testpki.Options{})
	target := serve(t, serverCfg(p), "tcp", "127.0.0.1:0")
	cctx, err := native.NewClientContext(trust.DefaultConfiguration().WithTrustStore(p.store))
	if err != nil {
		t.Fatal(err)
	}
	creds := grpccreds.NewClientCredentials(cctx).Clone()
	creds.OverrideServerName("wrong.example.test")
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err == nil {
		t.Fatal("OverrideServerName was not checked")
	}
}
