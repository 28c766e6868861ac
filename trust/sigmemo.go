package trust

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"slices"
	"sync/atomic"
	"time"
)

// The chain memo of an AnchorStore: a server verifying client
// certificates, or a client talking to many hosts behind one CA, verifies
// thousands of different leaves under the same few intermediates, and the
// verification cache (keyed on the whole chain) never hits. The memo keeps,
// per store, what crypto/x509 found above the leaf the last time it
// verified a chain with the same issuer name and the same presented
// intermediates, so that a new leaf costs one signature check (its own)
// instead of one per certificate of the chain.
//
// What is remembered. For a key (usage, the leaf's issuer name, the DER of
// every presented intermediate in order), the chains crypto/x509 returned,
// minus their leaf: the "upper chains", each starting with a certificate
// that signed the leaf. Only the verdicts of successful, unrelaxed
// verifications are recorded, never a failure. Certificates are remembered
// by reference: a position in the presented chain (resolved, on reuse,
// against the certificates the caller passes then, which have the same DER
// since the DER is in the key) or an anchor of the store itself.
//
// When it is sound. crypto/x509 builds chains from the leaf upwards; what
// it finds above a given issuer does not depend on the leaf, except through
// name constraints and certificate policies (checked against the whole
// chain, leaf included), through the validity period (checked at the
// current time) and through its loop check (a certificate equal to the
// leaf in subject, key and SAN is not used above it). So an entry is
// recorded only when
//   - no certificate of an upper chain carries name constraints, policy
//     constraints, policy mappings or inhibitAnyPolicy;
//   - every certificate crypto/x509 could have considered as the leaf's
//     issuer (a presented intermediate or an anchor with that subject) is
//     the first certificate of some upper chain, so no candidate is lost;
//   - no presented intermediate has the leaf's subject and key;
//   - every upper-chain certificate is a presented one or an anchor of the
//     store.
//
// On reuse, crypto/x509 verifies the new leaf against exactly the leaf's
// issuers of the entry (as roots): its signature, validity, host name,
// extended key usage, basic constraints and key usage of the issuer; the
// upper chains are checked again for validity at the current time and for
// the loop rule against the new leaf. Any failure, or any result that does
// not have the expected shape, falls back to the full verification, which
// then produces its own verdict and message. The store's distrust and
// distrust-after rules, and everything the Verifier does after the store
// (max depth, profile checks, CRLs, OCSP, pins, callback) run on the
// result as on any other.
//
// Lifetime. The memo belongs to one AnchorStore, which is immutable: a
// store reloaded or given a new distrust list is a new AnchorStore with an
// empty memo. It holds at most memoEntries entries, least recently used
// first out, and is safe for concurrent use.

const memoEntries = 256

// memoRef names a certificate of an upper chain: presented[k] when
// anchor is nil, else the store's anchor.
type memoRef struct {
	presented int
	anchor    *x509.Certificate
}

type memoEntry struct {
	issuers []memoRef   // the distinct certificates that signed the leaf
	uppers  [][]memoRef // each upper chain starts with one of issuers
}

type chainMemo struct {
	entries *lru[*memoEntry]
	hits    atomic.Uint64
}

func newChainMemo() *chainMemo {
	return &chainMemo{entries: newLRU[*memoEntry](memoEntries)}
}

// memoKey hashes what the upper chains depend on: the usage, the leaf's
// issuer name and every presented intermediate, length-prefixed.
func memoKey(u Usage, chain []*x509.Certificate) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	write := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	write([]byte{byte(u)})
	write(chain[0].RawIssuer)
	for _, c := range chain[1:] {
		write(c.Raw)
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// len reports the number of entries (for tests).
func (m *chainMemo) len() int { return m.entries.len() }

func (r memoRef) resolve(chain []*x509.Certificate) *x509.Certificate {
	if r.anchor != nil {
		return r.anchor
	}
	return chain[r.presented]
}

// lookup returns the chains for chain (whose memoKey is key) from the
// memo, or nil when there is no usable entry (the caller then verifies in
// full). vo is the verification the caller would run: its host name, time
// and usage apply to the new leaf.
func (m *chainMemo) lookup(key [sha256.Size]byte, chain []*x509.Certificate, vo x509.VerifyOptions) [][]*x509.Certificate {
	e, ok := m.entries.get(key)
	if !ok {
		return nil
	}
	leaf := chain[0]
	for _, up := range e.uppers {
		for _, r := range up {
			c := r.resolve(chain)
			if !validAt(c, vo.CurrentTime) || sameSubjectAndKey(c, leaf) {
				return nil
			}
		}
	}
	issuers := make([]*x509.Certificate, len(e.issuers))
	roots := x509.NewCertPool()
	for i, r := range e.issuers {
		issuers[i] = r.resolve(chain)
		roots.AddCert(issuers[i])
	}
	vo.Roots, vo.Intermediates = roots, nil
	found, err := leaf.Verify(vo)
	if err != nil {
		return nil
	}
	for _, f := range found {
		if len(f) != 2 || f[0] != leaf {
			return nil
		}
	}
	// The upper chains in the order crypto/x509 first returned them, each
	// whose issuer the new leaf verified against. By DER, not pointer: the
	// pool keeps one of two issuers with the same DER (an anchor also
	// presented as an intermediate), and the leaf's link holds for both.
	var out [][]*x509.Certificate
	for _, up := range e.uppers {
		issuer := issuers[indexOfRef(e.issuers, up[0])]
		if !slices.ContainsFunc(found, func(f []*x509.Certificate) bool { return f[1].Equal(issuer) }) {
			continue
		}
		ch := make([]*x509.Certificate, 0, len(up)+1)
		ch = append(ch, leaf)
		for _, r := range up {
			ch = append(ch, r.resolve(chain))
		}
		out = append(out, ch)
	}
	if out != nil {
		m.hits.Add(1)
	}
	return out
}

func indexOfRef(refs []memoRef, r memoRef) int {
	for i, x := range refs {
		if x == r {
			return i
		}
	}
	return -1
}

// record remembers the chains crypto/x509 returned for chain, when that is
// sound (see the comment at the top of the file).
func (m *chainMemo) record(key [sha256.Size]byte, s *AnchorStore, chain []*x509.Certificate, chains [][]*x509.Certificate, u Usage) {
	leaf := chain[0]
	e := &memoEntry{}
	for _, ch := range chains {
		if len(ch) < 2 || ch[0] != leaf {
			return
		}
		up := make([]memoRef, 0, len(ch)-1)
		for _, c := range ch[1:] {
			r, ok := refFor(s, chain, c)
			if !ok || hasChainWideConstraints(c) {
				return
			}
			up = append(up, r)
		}
		if indexOfRef(e.issuers, up[0]) < 0 {
			e.issuers = append(e.issuers, up[0])
		}
		e.uppers = append(e.uppers, up)
	}
	if len(e.uppers) == 0 || !allCandidatesUsed(s, chain, e.issuers, u) {
		return
	}
	for _, c := range chain[1:] {
		if sameSubjectAndKey(c, leaf) {
			return
		}
	}
	m.entries.put(key, e)
}

// refFor names c as a presented certificate or an anchor of s.
func refFor(s *AnchorStore, chain []*x509.Certificate, c *x509.Certificate) (memoRef, bool) {
	for k := 1; k < len(chain); k++ {
		if chain[k] == c {
			return memoRef{presented: k}, true
		}
	}
	if a, ok := s.anchorFor(c); ok && a.Certificate == c {
		return memoRef{anchor: c}, true
	}
	return memoRef{}, false
}

// allCandidatesUsed reports whether every certificate crypto/x509 could
// have tried as the leaf's issuer (same subject as the leaf's issuer name,
// among the presented intermediates and the store's pool for u) is one of
// issuers.
func allCandidatesUsed(s *AnchorStore, chain []*x509.Certificate, issuers []memoRef, u Usage) bool {
	leaf := chain[0]
	for k := 1; k < len(chain); k++ {
		if bytes.Equal(chain[k].RawSubject, leaf.RawIssuer) && indexOfRef(issuers, memoRef{presented: k}) < 0 {
			return false
		}
	}
	for _, a := range s.anchors {
		c := a.Certificate
		if c == nil || !bytes.Equal(c.RawSubject, leaf.RawIssuer) {
			continue
		}
		inPool := a.Distrusted || (a.TrustedFor(u) && !s.IsDistrusted(c))
		if inPool && indexOfRef(issuers, memoRef{anchor: c}) < 0 {
			return false
		}
	}
	return true
}

// Extensions whose effect crypto/x509 computes over the whole chain, leaf
// included: an upper chain holding one is not reused for another leaf.
var (
	oidNameConstraints    = asn1.ObjectIdentifier{2, 5, 29, 30}
	oidPolicyMappings     = asn1.ObjectIdentifier{2, 5, 29, 33}
	oidPolicyConstraints  = asn1.ObjectIdentifier{2, 5, 29, 36}
	oidInhibitAnyPolicy   = asn1.ObjectIdentifier{2, 5, 29, 54}
	chainWideExtensionIDs = []asn1.ObjectIdentifier{oidNameConstraints, oidPolicyMappings, oidPolicyConstraints, oidInhibitAnyPolicy}
)

func hasChainWideConstraints(c *x509.Certificate) bool {
	if len(c.UnhandledCriticalExtensions) > 0 {
		return true
	}
	for _, ext := range c.Extensions {
		for _, id := range chainWideExtensionIDs {
			if ext.Id.Equal(id) {
				return true
			}
		}
	}
	return false
}

// validAt applies crypto/x509's validity check.
func validAt(c *x509.Certificate, now time.Time) bool {
	return !now.Before(c.NotBefore) && !now.After(c.NotAfter)
}

// sameSubjectAndKey is the part of crypto/x509's loop check that does not
// look at SANs: a superset of the certificates it would refuse to place
// above the leaf, so a memo entry is never used where it would differ.
func sameSubjectAndKey(a, b *x509.Certificate) bool {
	return bytes.Equal(a.RawSubject, b.RawSubject) && bytes.Equal(a.RawSubjectPublicKeyInfo, b.RawSubjectPublicKeyInfo)
}
