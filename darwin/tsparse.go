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
)

// opaqueValue stands for a CF object that has no Go form (a
// SecTrustedApplicationRef, say); the FFI layer's converter produces it.
type opaqueValue struct {
	TypeID uint64
}

// parseTrustSettings reads the usage-constraints array that
// SecTrustSettingsCopyTrustSettings returned, converted to Go values by the
// FFI layer (CFString → string, CFNumber → int64, CFBoolean → bool, CFData
// → []byte, SecPolicyRef → Policy, other objects → opaqueValue). A value
// of the wrong type is an error, never silently ignored.
func parseTrustSettings(arr []map[string]any) ([]TrustSetting, error) {
	out := make([]TrustSetting, 0, len(arr))
	for i, d := range arr {
		s, err := parseTrustSetting(d)
		if err != nil {
			return nil, fmt.Errorf("usage constraints entry %d: %w", i, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseTrustSetting(d map[string]any) (TrustSetting, error) {
	var s TrustSetting
	for k, v := range d {
		var ok bool
		switch k {
		case keyPolicy:
			var p Policy
			switch pv := v.(type) {
			case Policy:
				p, ok = pv, true
			case string: // an OID string, as in exported trust-settings plists
				p, ok = Policy{OID: pv}, true
			}
			if ok {
				if s.Policy != nil && s.Policy.Name != "" && p.Name == "" {
					p.Name = s.Policy.Name
				}
				s.Policy = &p
			}
		case keyPolicyName:
			var name string
			if name, ok = v.(string); ok {
				if s.Policy == nil {
					s.Policy = &Policy{}
				}
				if s.Policy.Name == "" {
					s.Policy.Name = name
				}
			}
		case keyApplication:
			s.Application, ok = true, true
		case keyPolicyString:
			s.PolicyString, ok = v.(string)
		case keyAllowedError:
			var n int64
			if n, ok = v.(int64); ok {
				s.AllowedErrors = append(s.AllowedErrors, n)
			}
		case keyResult:
			var n int64
			if n, ok = v.(int64); ok {
				if n < int64(ResultInvalid) || n > int64(ResultUnspecified) {
					return s, fmt.Errorf("%s is %d, not a kSecTrustSettingsResult value", k, n)
				}
				r := TrustResult(n)
				s.Result = &r
			}
		case keyKeyUsage:
			var n int64
			if n, ok = v.(int64); ok {
				s.KeyUsage = uint32(n)
			}
		default:
			ok = true // keys added by later macOS versions do not change the documented ones
		}
		if !ok {
			return s, fmt.Errorf("%s has unexpected type %T", k, v)
		}
	}
	return s, nil
}
