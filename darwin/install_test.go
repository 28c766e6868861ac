package darwin

import (
	"errors"
	"reflect"
	"testing"
)

func TestInstallSettings(t *testing.T) {
	p := newTestPKI(t)
	if got := installSettings(p.root); !reflect.DeepEqual(got, []settingSpec{{policySSLServer, ResultTrustRoot}, {policyBasic, ResultTrustRoot}}) {
		t.Errorf("root: %v", got)
	}
	if got := installSettings(p.inter); !reflect.DeepEqual(got, []settingSpec{{policySSLServer, ResultTrustAsRoot}, {policyBasic, ResultTrustAsRoot}}) {
		t.Errorf("intermediate: %v", got)
	}
	if err := checkInstallable(p.root); err != nil {
		t.Errorf("root: %v", err)
	}
	if err := checkInstallable(p.inter); err != nil {
		t.Errorf("intermediate: %v", err)
	}
	if err := checkInstallable(p.leaf); !errors.Is(err, ErrNotCA) {
		t.Errorf("leaf: %v", err)
	}
	if checkInstallable(nil) == nil {
		t.Error("nil certificate accepted")
	}
}
