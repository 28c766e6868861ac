package darwin

import (
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/darwin/internal/sec"
)

// install adds the certificate to a keychain and writes the user trust
// settings specs describes.
func install(der []byte, specs []settingSpec, keychain string) error {
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
	if keychain != "" {
		kc, err := openKeychain(keychain)
		if err != nil {
			return err
		}
		sec.CFDictionarySetValue(attrs, sec.KSecUseKeychain, rel.add(kc))
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
	return statusErr("SecTrustSettingsSetTrustSettings", sec.SecTrustSettingsSetTrustSettings(c, uint32(DomainUser), settings))
}

// uninstall removes the user trust settings and the keychain item.
func uninstall(der []byte, keychain string) error {
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
	if err := statusErr("SecTrustSettingsRemoveTrustSettings", sec.SecTrustSettingsRemoveTrustSettings(c, uint32(DomainUser))); err != nil {
		return err
	}
	q := rel.add(sec.CFDictionaryCreateMutable())
	sec.CFDictionarySetValue(q, sec.KSecClass, sec.KSecClassCertificate)
	sec.CFDictionarySetValue(q, sec.KSecValueRef, c)
	if keychain != "" {
		kc, err := openKeychain(keychain)
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
