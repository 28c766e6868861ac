package darwin

import (
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/darwin/internal/sec"
)

// install adds the certificate to the plan's keychain and writes the trust
// settings specs describes in the plan's domain.
func install(der []byte, specs []settingSpec, p installPlan) error {
	return withCertItem(der, func(c, item sec.Ref, rel *releaser) error {
		if p.keychain != "" {
			kc, err := openKeychain(p.keychain)
			if err != nil {
				return err
			}
			sec.CFDictionarySetValue(item, sec.KSecUseKeychain, rel.add(kc))
		}
		if p.label != "" {
			sec.CFDictionarySetValue(item, sec.KSecAttrLabel, rel.add(sec.CFStringCreate(p.label)))
		}
		if err := statusErr("SecItemAdd", sec.SecItemAdd(item)); err != nil && !errors.Is(err, ErrDuplicate) {
			return err
		}
		settings := rel.add(sec.CFArrayCreateMutable())
		for _, s := range specs {
			d := rel.add(sec.CFDictionaryCreateMutable())
			sec.CFDictionarySetValue(d, rel.add(sec.CFStringCreate(keyPolicy)), rel.add(policyRef(s.Policy, "", rel)))
			sec.CFDictionarySetValue(d, rel.add(sec.CFStringCreate(keyResult)), rel.add(sec.CFNumberCreateInt64(int64(s.Result))))
			sec.CFArrayAppendValue(settings, d)
		}
		return statusErr("SecTrustSettingsSetTrustSettings", sec.SecTrustSettingsSetTrustSettings(c, uint32(p.domain), settings))
	})
}

// uninstall removes the plan's domain's trust settings and the keychain
// item.
func uninstall(der []byte, p installPlan) error {
	return withCertItem(der, func(c, item sec.Ref, rel *releaser) error {
		if err := statusErr("SecTrustSettingsRemoveTrustSettings", sec.SecTrustSettingsRemoveTrustSettings(c, uint32(p.domain))); err != nil {
			return err
		}
		if p.keychain != "" {
			kc, err := openKeychain(p.keychain)
			if err != nil {
				return err
			}
			list := rel.add(sec.CFArrayCreateMutable())
			sec.CFArrayAppendValue(list, rel.add(kc))
			sec.CFDictionarySetValue(item, sec.KSecMatchSearchList, list)
		}
		if err := statusErr("SecItemDelete", sec.SecItemDelete(item)); err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("trust settings removed, but the certificate stays in the keychain: %w", err)
		}
		return nil
	})
}

// withCertItem calls f with the SecCertificateRef of der and a keychain item
// dictionary (kSecClass certificate, kSecValueRef c) for SecItemAdd or
// SecItemDelete; what f adds to rel is released when it returns.
func withCertItem(der []byte, f func(c, item sec.Ref, rel *releaser) error) error {
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
	item := rel.add(sec.CFDictionaryCreateMutable())
	sec.CFDictionarySetValue(item, sec.KSecClass, sec.KSecClassCertificate)
	sec.CFDictionarySetValue(item, sec.KSecValueRef, c)
	return f(c, item, &rel)
}
