package native

import (
	"crypto"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"sync"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// clientChooser answers a server's certificate request from a client
// context's identity source (trust.Configuration.WithClientIdentities).
// The source is listed once; keys are opened only for the identity chosen
// and kept for the context's life.
type clientChooser struct {
	src           trust.ClientIdentitySource
	sel           trust.ClientIdentitySelector
	intermediates []*x509.Certificate

	once    sync.Once
	ids     []trust.ClientIdentity
	listErr error

	mu   sync.Mutex
	keys map[[sha256.Size]byte]openedKey
}

type openedKey struct {
	key crypto.Signer
	err error
}

func newClientChooser(cfg trust.Configuration) *clientChooser {
	src := cfg.ClientIdentities()
	if src == nil {
		return nil
	}
	ch := &clientChooser{src: src, sel: cfg.ClientIdentitySelector(), keys: map[[sha256.Size]byte]openedKey{}}
	for _, chain := range cfg.CertificateChains() {
		if len(chain.Certificates) > 1 {
			ch.intermediates = append(ch.intermediates, chain.Certificates[1:]...)
		}
	}
	return ch
}

// get is the connection's GetClientCertificate. When nothing fits it sends
// no certificate (as TLS requires) and records why in out, so the
// handshake error the program sees names the server's CAs and every
// skipped identity.
func (ch *clientChooser) get(cri *tls.CertificateRequestInfo, out *Conn) (*tls.Certificate, error) {
	ch.once.Do(func() { ch.ids, ch.listErr = ch.src.ClientIdentities() })
	if ch.listErr != nil {
		return nil, fmt.Errorf("native: listing client identities: %w", ch.listErr)
	}
	req := trust.ClientCertificateRequest{AcceptableCAs: cri.AcceptableCAs, SignatureSchemes: cri.SignatureSchemes, Version: cri.Version}
	fit, skipped := trust.SelectClientIdentity(req, ch.ids, ch.intermediates, time.Now())
	order := make([]int, len(fit))
	for i := range fit {
		order[i] = i
	}
	refused := false
	if ch.sel != nil {
		i, err := ch.sel(req, fit, skipped)
		if err != nil {
			return nil, err
		}
		if i < 0 || i >= len(fit) {
			order, refused = nil, true
		} else {
			order = []int{i}
		}
	}
	for _, i := range order {
		c, reason := ch.certificate(req, fit[i])
		if c != nil {
			return c, nil
		}
		skipped = append(skipped, trust.SkippedIdentity{Identity: fit[i], Reason: reason})
	}
	if out != nil {
		out.clientIDErr = &trust.NoClientIdentityError{AcceptableCAs: parseNames(cri.AcceptableCAs), Skipped: skipped, Refused: refused}
	}
	return &tls.Certificate{}, nil
}

// certificate opens the identity's key (once per context) and checks it
// can sign as asked; it returns the certificate or why not.
func (ch *clientChooser) certificate(req trust.ClientCertificateRequest, id trust.ClientIdentity) (*tls.Certificate, string) {
	if id.OpenKey == nil {
		return nil, "its source gives no way to open the key"
	}
	k := ch.key(id)
	if k.err != nil {
		return nil, "its key could not be opened: " + k.err.Error()
	}
	if s, ok := k.key.(trust.SignatureSchemer); ok {
		withKey := id
		withKey.SignatureSchemes = s.SupportedSignatureSchemes()
		if fit, skipped := trust.SelectClientIdentity(req, []trust.ClientIdentity{withKey}, nil, time.Now()); len(fit) == 0 {
			return nil, skipped[0].Reason
		}
	}
	c, err := tlsCertificate(trust.CertificateChain{Certificates: id.Chain, PrivateKey: k.key})
	if err != nil {
		return nil, err.Error()
	}
	return &c, ""
}

func (ch *clientChooser) key(id trust.ClientIdentity) openedKey {
	h := sha256.New()
	h.Write([]byte(id.Source))
	h.Write(id.Chain[0].Raw)
	var k [sha256.Size]byte
	copy(k[:], h.Sum(nil))
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if o, ok := ch.keys[k]; ok {
		return o
	}
	key, err := id.OpenKey()
	o := openedKey{key: key, err: err}
	ch.keys[k] = o
	return o
}

// parseNames decodes the server's acceptable CA names for messages; a name
// that does not parse is kept as an empty sequence rather than dropped.
func parseNames(ders [][]byte) []pkix.RDNSequence {
	out := make([]pkix.RDNSequence, 0, len(ders))
	for _, d := range ders {
		var n pkix.RDNSequence
		if _, err := asn1.Unmarshal(d, &n); err != nil {
			n = pkix.RDNSequence{}
		}
		out = append(out, n)
	}
	return out
}
