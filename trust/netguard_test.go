package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// The network guard: certificate-supplied URLs (AIA caIssuers, OCSP
// responders) reach no loopback, link-local, private or otherwise
// non-public address unless the program allows it, on every connection,
// redirects included; and nothing is fetched for client certificates
// unless asked. Local HTTP servers on 127.0.0.1 count the requests.

func TestAddressKind(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1": "loopback", "127.9.9.9": "loopback", "::1": "loopback",
		"10.1.2.3": "private", "172.16.0.1": "private", "192.168.1.1": "private", "fc00::1": "private", "fd12:3456::1": "private",
		"169.254.169.254": "link-local", "fe80::1": "link-local", "fe80::1%eth0": "link-local",
		"0.0.0.0": "unspecified", "::": "unspecified", "0.1.2.3": "this-network",
		"255.255.255.255": "broadcast", "224.0.0.1": "link-local", "239.1.2.3": "multicast", "ff02::1": "link-local", "ff05::1": "multicast",
		"::ffff:127.0.0.1": "loopback", "::ffff:169.254.169.254": "link-local", "::ffff:10.0.0.1": "private",
		"64:ff9b::a9fe:a9fe": "link-local", "2002:7f00:1::": "loopback", "::127.0.0.1": "IPv4-compatible",
		"100.64.0.1": "shared (carrier-grade NAT)", "240.0.0.1": "reserved", "fec0::1": "site-local",
		"8.8.8.8": "", "1.1.1.1": "", "2001:4860:4860::8888": "", "::ffff:8.8.8.8": "", "64:ff9b::808:808": "",
	} {
		a := netip.MustParseAddr(addr)
		if got := addressKind(a.WithZone("")); got != want {
			t.Errorf("%s: %q, want %q", addr, got, want)
		}
	}
}

// countingServer serves the intermediate of p at every path and counts
// the requests.
func countingServer(t *testing.T, body func() []byte) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write(body())
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func aiaLeafPKI(t *testing.T, eku x509.ExtKeyUsage, urls ...string) *vtPKI {
	return newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) {
		c.IssuingCertificateURL = urls
		c.ExtKeyUsage = []x509.ExtKeyUsage{eku}
	}})
}

func TestAIARefusesNonPublicAddresses(t *testing.T) {
	var inter []byte
	srv, hits := countingServer(t, func() []byte { return inter })
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, u := range []string{srv.URL + "/r3.cer", "http://localhost" + port + "/r3.cer", "http://[::ffff:127.0.0.1]" + port + "/r3.cer"} {
		t.Run(u, func(t *testing.T) {
			p := aiaLeafPKI(t, x509.ExtKeyUsageServerAuth, u)
			inter = p.Inter.Cert.Raw
			o := vtOpts()
			o.DisableFetch = false
			before := hits.Load()
			_, err := (&Verifier{Fetcher: &AIAFetcher{}}).Verify(context.Background(), p.Store(), p.Chain()[:1], o)
			var ve *VerificationError
			if !errors.As(err, &ve) || ve.Reason != ReasonMissingIntermediate || !errors.Is(err, ErrNonPublicAddress) ||
				!strings.Contains(ve.Detail, "AllowPrivateNetworks") {
				t.Fatalf("want missing intermediate refused as non-public, got %v", err)
			}
			if n := hits.Load() - before; n != 0 {
				t.Fatalf("%d requests reached the loopback server by default", n)
			}
			if _, err := (&Verifier{Fetcher: &AIAFetcher{AllowPrivateNetworks: true}}).Verify(context.Background(), p.Store(), p.Chain()[:1], o); err != nil {
				t.Fatalf("with AllowPrivateNetworks: %v", err)
			}
			if n := hits.Load() - before; n != 1 {
				t.Fatalf("%d requests with AllowPrivateNetworks, want 1", n)
			}
		})
	}
}

func TestAIARedirectIsChecked(t *testing.T) {
	var inter []byte
	target, targetHits := countingServer(t, func() []byte { return inter })
	first := httptest.NewServer(http.RedirectHandler(target.URL+"/r3.cer", http.StatusFound))
	t.Cleanup(first.Close)
	refused := strings.TrimPrefix(target.URL, "http://")
	guardCheck = func(address string) error { // both servers are local: refuse only the target
		if address == refused {
			return &AddressError{Addr: netip.MustParseAddrPort(address).Addr(), Kind: "test-refused"}
		}
		return nil
	}
	t.Cleanup(func() { guardCheck = checkAddress })
	p := aiaLeafPKI(t, x509.ExtKeyUsageServerAuth, first.URL+"/r3.cer")
	inter = p.Inter.Cert.Raw
	o := vtOpts()
	o.DisableFetch = false
	_, err := (&Verifier{Fetcher: &AIAFetcher{}}).Verify(context.Background(), p.Store(), p.Chain()[:1], o)
	if !errors.Is(err, ErrNonPublicAddress) || targetHits.Load() != 0 {
		t.Fatalf("redirect to a refused address: %v, %d requests reached it", err, targetHits.Load())
	}
}

func TestAIANotFetchedForClientCertificates(t *testing.T) {
	var inter []byte
	srv, hits := countingServer(t, func() []byte { return inter })
	p := aiaLeafPKI(t, x509.ExtKeyUsageClientAuth, srv.URL+"/r3.cer")
	inter = p.Inter.Cert.Raw
	o := vtOpts()
	o.DisableFetch, o.Usage, o.ServerName = false, UsageClientAuth, ""
	f := &AIAFetcher{AllowPrivateNetworks: true}
	_, err := (&Verifier{Fetcher: f}).Verify(context.Background(), p.Store(), p.Chain()[:1], o)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonMissingIntermediate || !strings.Contains(ve.Detail, "FetchClientIntermediates") || hits.Load() != 0 {
		t.Fatalf("client certificate: want no fetch and a hint, got %v with %d requests", err, hits.Load())
	}
	o.FetchClientIntermediates = true
	if _, err := (&Verifier{Fetcher: f}).Verify(context.Background(), p.Store(), p.Chain()[:1], o); err != nil || hits.Load() != 1 {
		t.Fatalf("FetchClientIntermediates: %v with %d requests", err, hits.Load())
	}
}

func TestAIAThroughConfiguredProxy(t *testing.T) {
	var inter []byte
	var hosts []string
	proxy, hits := countingServer(t, func() []byte { return inter })
	proxy.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		hosts = append(hosts, r.URL.Host)
		w.Write(inter)
	})
	pu, _ := url.Parse(proxy.URL)
	f := &AIAFetcher{Client: &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}}
	o := vtOpts()
	o.DisableFetch = false
	p := aiaLeafPKI(t, x509.ExtKeyUsageServerAuth, "http://aia.example/r3.cer")
	inter = p.Inter.Cert.Raw
	if _, err := (&Verifier{Fetcher: f}).Verify(context.Background(), p.Store(), p.Chain()[:1], o); err != nil {
		t.Fatalf("through the program's proxy (on loopback): %v", err)
	}
	q := aiaLeafPKI(t, x509.ExtKeyUsageServerAuth, "http://169.254.169.254/latest/meta-data/", "http://localhost/r3.cer")
	inter = q.Inter.Cert.Raw
	_, err := (&Verifier{Fetcher: f}).Verify(context.Background(), q.Store(), q.Chain()[:1], o)
	if !errors.Is(err, ErrNonPublicAddress) || hits.Load() != 1 || hosts[0] != "aia.example" {
		t.Fatalf("non-public targets through the proxy: %v, proxy saw %v", err, hosts)
	}
}

type opaqueTransport struct{}

func (opaqueTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("must not be called")
}

func TestAIAUnguardableTransportRefused(t *testing.T) {
	f := &AIAFetcher{Client: &http.Client{Transport: opaqueTransport{}}}
	_, err := f.Fetch(context.Background(), "http://aia.example/r3.cer")
	if err == nil || !strings.Contains(err.Error(), "AllowPrivateNetworks") || strings.Contains(err.Error(), "must not be called") {
		t.Fatalf("want a refusal naming AllowPrivateNetworks, got %v", err)
	}
}

func TestOCSPRefusesNonPublicAddresses(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	var hits atomic.Int32
	resp := makeOCSP(t, p, ocspSpec{status: ocsp.Good})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	leaf := *p.Leaf.Cert
	leaf.OCSPServer = []string{srv.URL}
	o := vtOpts()
	o.OnlineOCSP, o.Revocation = true, RevocationHardFail
	chain := []*x509.Certificate{&leaf, p.Inter.Cert}
	_, err := (&Verifier{OCSP: &OCSPClient{Budget: time.Second}}).Verify(context.Background(), p.Store(), chain, o)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonRevocationUnknown || !strings.Contains(ve.Detail, "refused to connect to 127.0.0.1") || hits.Load() != 0 {
		t.Fatalf("default OCSP client: want refusal without a request, got %v with %d requests", err, hits.Load())
	}
	if _, err := (&Verifier{OCSP: &OCSPClient{Budget: time.Second, AllowPrivateNetworks: true}}).Verify(context.Background(), p.Store(), chain, o); err != nil || hits.Load() != 1 {
		t.Fatalf("AllowPrivateNetworks: %v with %d requests", err, hits.Load())
	}
}
