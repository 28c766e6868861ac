package linux

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// TestP11KitServerDistrustAfter stores an anchor in p11-kit's own object
// format with nss-server-distrust-after (CKA_NSS_SERVER_DISTRUST_AFTER):
// server certificates issued after that date are rejected, earlier ones
// are accepted.
func TestP11KitServerDistrustAfter(t *testing.T) {
	needP11Kit(t)
	dir := t.TempDir()
	c := newChain(t, "Sunset", "sunset.test") // leaf NotBefore 2025-01-01
	for _, tc := range []struct {
		after string
		ok    bool
	}{{"240101000000Z", false}, {"260101000000Z", true}} {
		obj := "[p11-kit-object-v1]\nclass: certificate\ncertificate-type: x-509\ntrusted: true\n" +
			"nss-server-distrust-after: \"" + tc.after + "\"\n" + string(c.root.PEM())
		os.MkdirAll(filepath.Join(dir, "anchors"), 0o755)
		if err := os.WriteFile(filepath.Join(dir, "anchors", "sunset.p11-kit"), []byte(obj), 0o644); err != nil {
			t.Fatal(err)
		}
		s := p11KitStore(t, []string{dir}, false)
		anchors, _ := s.Anchors(nil)
		want, _ := time.Parse("060102150405Z", tc.after)
		if len(anchors) != 1 || !anchors[0].DistrustAfter.Equal(want) {
			t.Fatalf("anchors = %+v, want DistrustAfter %v", anchors, want)
		}
		err := verifyServer(s, c, "sunset.test")
		if tc.ok && err != nil {
			t.Fatalf("distrust-after %s: %v", tc.after, err)
		}
		if !tc.ok {
			wantReason(t, err, trust.ReasonDistrusted)
		}
	}
}
