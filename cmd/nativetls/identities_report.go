package main

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// identitiesJSON is the report of `identities` (--json field names are
// stable).
type identitiesJSON struct {
	Server               string          `json:"server"`
	CertificateRequested bool            `json:"certificate_requested"`
	TLSVersion           string          `json:"tls_version,omitempty"`
	AcceptableCAs        []string        `json:"acceptable_cas"`
	SignatureSchemes     []string        `json:"signature_schemes"`
	Candidates           []candidateJSON `json:"candidates"`
	Chosen               *candidateJSON  `json:"chosen"`
}

// candidateJSON is one identity and the verdict on it.
type candidateJSON struct {
	Source   string     `json:"source"`
	Subject  string     `json:"subject"`
	Issuer   string     `json:"issuer"`
	NotAfter *time.Time `json:"not_after,omitempty"`
	Fits     bool       `json:"fits"`
	Reason   string     `json:"reason"`
}

// decideIdentities turns what the server asked for into the report: the
// library's ranking, then, as a handshake would, the fitting identities'
// keys opened in rank order until one can sign as asked (a token key
// without RSA-PSS cannot for TLS 1.3); that one would be sent.
func decideIdentities(server string, seen *requestSeen, all listedIdentities) identitiesJSON {
	rep := identitiesJSON{Server: server, CertificateRequested: seen.asked, AcceptableCAs: []string{}, SignatureSchemes: []string{}, Candidates: []candidateJSON{}}
	if !seen.asked {
		for _, id := range all {
			rep.Candidates = append(rep.Candidates, candidate(id, false, "not needed: the server did not ask for a client certificate"))
		}
		return rep
	}
	rep.TLSVersion = versionName(seen.req.Version)
	for _, n := range parseNames(seen.req.AcceptableCAs) {
		rep.AcceptableCAs = append(rep.AcceptableCAs, n)
	}
	for _, s := range seen.req.SignatureSchemes {
		rep.SignatureSchemes = append(rep.SignatureSchemes, s.String())
	}
	for _, id := range seen.fit {
		c := candidate(id, true, fitReason(seen.req, id))
		if rep.Chosen != nil {
			c.Reason += "; ranked below the one chosen"
		} else if why := keyProblem(seen.req, id); why != "" {
			c.Fits, c.Reason = false, why
		} else {
			c.Reason += "; chosen"
			rep.Chosen = &c
		}
		rep.Candidates = append(rep.Candidates, c)
	}
	for _, s := range seen.skipped {
		rep.Candidates = append(rep.Candidates, candidate(s.Identity, false, s.Reason))
	}
	return rep
}

func candidate(id trust.ClientIdentity, fits bool, reason string) candidateJSON {
	c := candidateJSON{Source: id.Source, Fits: fits, Reason: reason}
	if len(id.Chain) > 0 && id.Chain[0] != nil {
		leaf := id.Chain[0]
		na := leaf.NotAfter.UTC()
		c.Subject, c.Issuer, c.NotAfter = leaf.Subject.String(), leaf.Issuer.String(), &na
	}
	return c
}

// fitReason says why a fitting identity fits.
func fitReason(req trust.ClientCertificateRequest, id trust.ClientIdentity) string {
	top := id.Chain[len(id.Chain)-1]
	to := "the server accepts any CA"
	if len(req.AcceptableCAs) > 0 {
		to = fmt.Sprintf("its chain leads to %q, which the server accepts", top.Issuer.String())
	}
	return fmt.Sprintf("valid now, allows clientAuth, its key can sign as the server asks, and %s (%s to send)", to, count(len(id.Chain), "certificate", ""))
}

// keyProblem opens id's key as the handshake would and says why it cannot
// be used (empty when it can).
func keyProblem(req trust.ClientCertificateRequest, id trust.ClientIdentity) string {
	if id.OpenKey == nil {
		return "its source gives no way to open the key"
	}
	key, err := id.OpenKey()
	if err != nil {
		return "its key could not be opened: " + err.Error()
	}
	if s, ok := key.(trust.SignatureSchemer); ok {
		withKey := id
		withKey.SignatureSchemes = s.SupportedSignatureSchemes()
		if _, skipped := trust.SelectClientIdentity(req, []trust.ClientIdentity{withKey}, nil, time.Now()); len(skipped) > 0 {
			return skipped[0].Reason
		}
	}
	return ""
}

// printIdentities prints the report.
func printIdentities(e *env, rep identitiesJSON) {
	if e.json {
		_ = e.printJSON(rep)
		return
	}
	if !rep.CertificateRequested {
		e.outf("%s does not ask for a client certificate: none would be sent (%s available)\n", rep.Server, count(len(rep.Candidates), "identity", "identities"))
		return
	}
	e.outf("%s asks for a client certificate (%s)\n", rep.Server, rep.TLSVersion)
	if len(rep.AcceptableCAs) == 0 {
		e.outf("acceptable CAs: any (the server names none)\n")
	} else {
		e.outf("acceptable CAs (%d):\n", len(rep.AcceptableCAs))
		for _, n := range rep.AcceptableCAs {
			e.outf("  %s\n", n)
		}
	}
	e.outf("signature schemes: %s\n", joinOrNone(rep.SignatureSchemes))
	e.outf("candidates (%d):\n", len(rep.Candidates))
	for _, c := range rep.Candidates {
		printCandidate(e, c)
	}
	if rep.Chosen == nil {
		e.outf("would send: nothing (no identity fits; the server will likely refuse the connection)\n")
		return
	}
	e.outf("would send: %s from %s\n", rep.Chosen.Subject, rep.Chosen.Source)
}

func printCandidate(e *env, c candidateJSON) {
	verdict := "skipped"
	if c.Fits {
		verdict = "fits"
	}
	subject := c.Subject
	if subject == "" {
		subject = "(no certificate)"
	}
	e.outf("  %-7s %s\n", verdict, subject)
	if c.NotAfter != nil {
		e.outf("          issuer %s, not after %s\n", c.Issuer, c.NotAfter.Format(time.RFC3339))
	}
	e.outf("          from %s\n          %s\n", c.Source, c.Reason)
}

func joinOrNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	out := s[0]
	for _, x := range s[1:] {
		out += ", " + x
	}
	return out
}

// parseNames renders DER distinguished names; one that does not parse is
// shown as hex.
func parseNames(ders [][]byte) []string {
	out := make([]string, 0, len(ders))
	for _, d := range ders {
		var n pkix.RDNSequence
		if rest, err := asn1.Unmarshal(d, &n); err != nil || len(rest) > 0 {
			out = append(out, fmt.Sprintf("(unparsable name %x)", d))
			continue
		}
		out = append(out, n.String())
	}
	return out
}
