package darwin

import (
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/darwin/internal/sec"
)

// install adds the certificate to the plan's keychain and writes the trust
// settings specs describes in the plan's domain.
func install(der []byte, specs []settingSpec, p installPlan) error {
	if err := available(); err != nil {
		return err
	}
	var rel releaser
	defer rel.release()
	c, err := certRef(der)
	if err != nil {
		return err
	}
	rel.add(c)
	attrs := rel.add(sec.CFDictionaryCreateMutable())
	sec.CFDictionarySetValue(attrs, sec.KSecClass, sec.KSecClassCertificate)
	sec.CFDictionarySetValue(attrs, sec.KSecValueRef, c)
	if p.keychain != "" {
		kc, err := openKeychain(p.keychain)
		if err != nil {
			return err
		}
		sec.CFDictionarySetValue(attrs, sec.KSecUseKeychain, rel.add(kc))
	}
	if p.label != "" {
		sec.CFDictionarySetValue(attrs, sec.KSecAttrLabel, rel.add(sec.CFStringCreate(p.label)))
	}
	if err := statusErr("SecItemAdd", sec.SecItemAdd(attrs)); err != nil && !errors.Is(err, ErrDuplicate) {
		return err
	}
	settings := rel.add(sec.CFArrayCreateMutable())
	for _, s := range specs {
		d := rel.add(sec.CFDictionaryCreateMutable())
		sec.CFDictionarySetValue(d, rel.add(sec.CFStringCreate(keyPolicy)), rel.add(policyRef(s.Policy, "", &rel)))
		sec.CFDictionarySetValue(d, rel.add(sec.CFStringCreate(keyResult)), rel.add(sec.CFNumberCreateInt64(int64(s.Result))))
		sec.CFArrayAppendValue(settings, d)
	}
	return statusErr("SecTrustSettingsSetTrustSettings", sec.SecTrustSettingsSetTrustSettings(c, uint32(p.domain), settings))
}

// uninstall removes the plan's domain's trust settings and the keychain
// item.
func uninstall(der []byte, p installPlan) error {
	if err := available(); err != nil {
		return err
	}
	var rel releaser
	defer rel.release()
	c, err := certRef(der)
	if err != nil {
		return err
	}
	rel.add(c)
	if err := statusErr("SecTrustSettingsRemoveTrustSettings", sec.SecTrustSettingsRemoveTrustSettings(c, uint32(p.domain))); err != nil {
		return err
	}
	q := rel.add(sec.CFDictionaryCreateMutable())
	sec.CFDictionarySetValue(q, sec.KSecClass, sec.KSecClassCertificate)
	sec.CFDictionarySetValue(q, sec.KSecValueRef, c)
	if p.keychain != "" {
		kc, err := openKeychain(p.keychain)
		if err != nil {
			return err
		}
		list := rel.add(sec.CFArrayCreateMutable())
		sec.CFArrayAppendValue(list, rel.add(kc))
		sec.CFDictionarySetValue(q, sec.KSecMatchSearchList, list)
	}
	if err := statusErr("SecItemDelete", sec.SecItemDelete(q)); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("trust settings removed, but the certificate stays in the keychain: %w", err)
	}
	return nil
}
