package darwin

import (
	"strings"
	"testing"
)

func TestIdentitiesFromInfos(t *testing.T) {
	p := newTestPKI(t)
	infos := []identityInfo{
		{Cert: p.leaf, CertLabel: "zeta"},
		{Cert: p.inter, CertLabel: "alpha", TokenID: seTokenID},
	}
	ids := identitiesFromInfos(infos, "/tmp/test.keychain-db")
	if len(ids) != 2 || ids[0].Label != "alpha" || !ids[0].SecureEnclave || ids[1].SecureEnclave {
		t.Fatalf("identities %+v", ids)
	}
	for i, id := range ids {
		u, err := ParseKeyURI(id.URI)
		if err != nil {
			t.Fatalf("URI %q does not parse: %v", id.URI, err)
		}
		// The URI must select exactly this identity among all of them.
		j, err := selectIdentity(u, infos)
		if err != nil || infos[j].Cert != id.Certificate {
			t.Fatalf("identity %d: URI %q selects %d (%v)", i, id.URI, j, err)
		}
		if !strings.Contains(id.URI, "keychain=") {
			t.Errorf("URI %q lost the keychain", id.URI)
		}
	}
}
