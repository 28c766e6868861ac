package trust_test

import (
	"crypto/x509"
	"testing"

	"github.com/nativetls/nativetls/internal/conformance"
	"github.com/nativetls/nativetls/trust"
)

// portableBackend is the AnchorStore over the rows' roots and distrust.
func portableBackend(t *testing.T, roots, distrusted []*x509.Certificate) trust.TrustStore {
	var anchors []trust.Anchor
	for _, c := range roots {
		anchors = append(anchors, trust.Anchor{Certificate: c, Source: "conformance"})
	}
	for _, c := range distrusted {
		anchors = append(anchors, trust.Anchor{Certificate: c, Source: "conformance", Distrusted: true})
	}
	return trust.NewAnchorStore("portable conformance store", anchors)
}

func TestConformancePortable(t *testing.T) {
	conformance.Run(t, conformance.Backend{Name: "portable", Store: portableBackend})
}
