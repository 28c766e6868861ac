package darwin

import (
	"fmt"
)

// Keys of a usage-constraints dictionary (SecTrustSettings.h defines each
// as a CFSTR of its own name).
const (
	keyPolicy       = "kSecTrustSettingsPolicy"
	keyPolicyName   = "kSecTrustSettingsPolicyName"
	keyApplication  = "kSecTrustSettingsApplication"
	keyPolicyString = "kSecTrustSettingsPolicyString"
	keyAllowedError = "kSecTrustSettingsAllowedError"
	keyResult       = "kSecTrustSettingsResult"
	keyKeyUsage     = "kSecTrustSettingsKeyUsage"
	keyPolicyOpts   = "kSecTrustSettingsPolicyOptions"
)

// opaqueValue stands for a CF object that has no Go form (a
// SecTrustedApplicationRef, say); the FFI layer's converter produces it.
type opaqueValue struct {
	TypeID uint64
}

// parseTrustSettings reads the usage-constraints array that
// SecTrustSettingsCopyTrustSettings returned, converted to Go values by the
// FFI layer (CFString → string, CFNumber → int64, CFBoolean → bool, CFData
// → []byte, SecPolicyRef → tsPolicy with only its OID, other objects →
// opaqueValue). A value of the wrong type is an error, never silently
// ignored. The policy's name comes only from kSecTrustSettingsPolicyName,
// as trustd reads it (trust/trustd/SecPolicyServer.c,
// SecPVCMeetsConstraint, Security-61901).
func parseTrustSettings(arr []map[string]any) ([]trustSetting, error) {
	out := make([]trustSetting, 0, len(arr))
	for i, d := range arr {
		if emptyConstraint(d) {
			continue
		}
		s, err := parseTrustSetting(d)
		if err != nil {
			return nil, fmt.Errorf("usage constraints entry %d: %w", i, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseTrustSetting(d map[string]any) (trustSetting, error) {
	var s trustSetting
	var oid, name string
	for k, v := range d {
		ok := true
		switch k {
		case keyPolicy:
			switch pv := v.(type) {
			case tsPolicy:
				oid = pv.OID
			case string: // an OID string, as in exported trust-settings plists
				oid = pv
			default:
				ok = false
			}
		case keyPolicyName:
			name, ok = v.(string)
		case keyApplication:
			s.Application = true
		case keyPolicyOpts:
			s.PolicyOptions = true
		case keyPolicyString:
			s.PolicyString, ok = v.(string)
		case keyAllowedError:
			var n int64
			if n, ok = v.(int64); ok {
				s.AllowedErrors = append(s.AllowedErrors, n)
			}
		case keyResult:
			if err := parseResult(&s, v); err != nil {
				return s, err
			}
		case keyKeyUsage:
			s.KeyUsage, ok = v.(int64)
			s.KeyUsageSet = ok
		}
		// Keys added by later macOS versions do not change the documented ones.
		if !ok {
			return s, fmt.Errorf("%s has unexpected type %T", k, v)
		}
	}
	if oid != "" || name != "" {
		s.Policy = &tsPolicy{OID: oid, Name: name}
	}
	return s, nil
}

func parseResult(s *trustSetting, v any) error {
	n, ok := v.(int64)
	if !ok {
		return fmt.Errorf("%s has unexpected type %T", keyResult, v)
	}
	if n < int64(resultInvalid) || n > int64(resultUnspecified) {
		return fmt.Errorf("%s is %d, not a kSecTrustSettingsResult value", keyResult, n)
	}
	r := trustResult(n)
	s.Result = &r
	return nil
}

// emptyConstraint reports a usage-constraints dictionary with none of the
// keys that constrain or decide anything (a policy name alone does not
// count): Security.framework drops such "weird but legal" entries when it
// copies trust settings out (OSX/libsecurity_keychain/lib/TrustSettings.cpp,
// copyTrustSettings, Security-61901), so they never match.
func emptyConstraint(d map[string]any) bool {
	for _, k := range []string{keyPolicy, keyApplication, keyPolicyString, keyAllowedError, keyResult, keyKeyUsage} {
		if _, ok := d[k]; ok {
			return false
		}
	}
	return true
}
