package trust

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
)

// AIA fetching against a local HTTP server serving good, PKCS#7, oversized,
// slow, looping, off-scheme and garbage responses.

type aiaServer struct {
	*httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	inter *x509.Certificate
}

func newAIAServer(t *testing.T) *aiaServer {
	s := &aiaServer{hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/good.cer", func(w http.ResponseWriter, r *http.Request) { w.Write(s.inter.Raw) })
	mux.HandleFunc("/bundle.p7c", func(w http.ResponseWriter, r *http.Request) {
		p7, err := pkcs7.DegenerateCertificate(s.inter.Raw)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(p7)
	})
	mux.HandleFunc("/big.cer", func(w http.ResponseWriter, r *http.Request) {
		w.Write(append(append([]byte(nil), s.inter.Raw...), bytes.Repeat([]byte{0}, 70<<10)...))
	})
	mux.HandleFunc("/slow.cer", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/loop.cer", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop.cer", http.StatusFound) })
	mux.HandleFunc("/ftp.cer", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/r3.cer", http.StatusFound)
	})
	mux.HandleFunc("/garbage.cer", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>not a certificate</html>")) })
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *aiaServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// aiaPKI issues a chain whose leaf names urls as caIssuers.
func aiaPKI(t *testing.T, s *aiaServer, paths ...string) *vtPKI {
	p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) {
		for _, path := range paths {
			if strings.Contains(path, "://") {
				c.IssuingCertificateURL = append(c.IssuingCertificateURL, path)
			} else {
				c.IssuingCertificateURL = append(c.IssuingCertificateURL, s.URL+path)
			}
		}
	}})
	s.inter = p.Inter.Cert
	return p
}

func TestAIAFetch(t *testing.T) {
	cases := []struct {
		path   string
		ok     bool
		detail string
	}{
		{"/good.cer", true, ""},
		{"/bundle.p7c", true, ""},
		{"/big.cer", false, "response larger than 65536 bytes"},
		{"/slow.cer", false, "context deadline exceeded"},
		{"/loop.cer", false, "more than 3 redirects"},
		{"/ftp.cer", false, "only http:// is followed"},
		{"/garbage.cer", false, "not a DER certificate or PKCS#7"},
		{"https://127.0.0.1:1/r3.cer", false, "only plain http:// caIssuers URLs are fetched"},
	}
	for _, tc := range cases {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			s := newAIAServer(t)
			p := aiaPKI(t, s, tc.path)
			o := vtOpts()
			o.DisableFetch = false
			v := &Verifier{Fetcher: &AIAFetcher{Budget: 300 * time.Millisecond, AllowPrivateNetworks: true}}
			chains, err := v.Verify(context.Background(), p.Store(), p.Chain()[:1], o)
			if tc.ok {
				if err != nil || len(chains[0]) != 3 {
					t.Fatalf("fetch did not complete the chain: %v", err)
				}
				return
			}
			var ve *VerificationError
			if !errors.As(err, &ve) || ve.Reason != ReasonMissingIntermediate || !strings.Contains(ve.Detail, tc.detail) {
				t.Fatalf("want missing intermediate with %q, got %v", tc.detail, err)
			}
		})
	}
}

func TestAIADisabled(t *testing.T) {
	s := newAIAServer(t)
	p := aiaPKI(t, s, "/good.cer")
	o := vtOpts() // DisableFetch is set
	_, err := (&Verifier{Fetcher: &AIAFetcher{AllowPrivateNetworks: true}}).Verify(context.Background(), p.Store(), p.Chain()[:1], o)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonMissingIntermediate || s.count("/good.cer") != 0 {
		t.Fatalf("fetched although disabled: %v, %d hits", err, s.count("/good.cer"))
	}
}

func TestAIALimitsAndCache(t *testing.T) {
	s := newAIAServer(t)
	p := aiaPKI(t, s, "/garbage.cer?1", "/garbage.cer?2", "/garbage.cer?3", "/garbage.cer?4", "/garbage.cer?5", "/garbage.cer?6")
	o := vtOpts()
	o.DisableFetch = false
	f := &AIAFetcher{AllowPrivateNetworks: true}
	if _, err := (&Verifier{Fetcher: f}).Verify(context.Background(), p.Store(), p.Chain()[:1], o); err == nil {
		t.Fatal("accepted")
	}
	if n := s.count("/garbage.cer"); n != defaultAIAMaxFetches {
		t.Fatalf("%d fetches, want at most %d", n, defaultAIAMaxFetches)
	}

	good := aiaPKI(t, s, "/good.cer")
	for range 3 {
		if _, err := (&Verifier{Fetcher: f}).Verify(context.Background(), good.Store(), good.Chain()[:1], o); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.count("/good.cer"); n != 1 {
		t.Fatalf("%d downloads of the same URL, want 1 (cached)", n)
	}
}
