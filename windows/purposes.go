package windows

import (
	"encoding/asn1"
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// ekuUsages maps extended-key-usage OIDs to the usages trust knows.
var ekuUsages = map[string]trust.Usage{
	"1.3.6.1.5.5.7.3.1": trust.UsageServerAuth,  // id-kp-serverAuth
	"1.3.6.1.5.5.7.3.2": trust.UsageClientAuth,  // id-kp-clientAuth
	"1.3.6.1.5.5.7.3.3": trust.UsageCodeSigning, // id-kp-codeSigning
	"1.3.6.1.5.5.7.3.4": trust.UsageEmail,       // id-kp-emailProtection
	"2.5.29.37.0":       trust.UsageAny,         // anyExtendedKeyUsage
}

// purposesFromEKUProperty decodes a store entry's CERT_ENHKEY_USAGE_PROP_ID
// (the purposes an administrator enabled for it in certmgr: a DER SEQUENCE
// OF OBJECT IDENTIFIER). An empty list means Windows disabled the
// certificate for all purposes (disabled is true). OIDs trust has no usage
// for are counted in unknown, so that a caller can tell "only purposes
// nativetls does not use" from "no restriction".
func purposesFromEKUProperty(der []byte) (purposes []trust.Usage, disabled bool, unknown int, err error) {
	var oids []asn1.ObjectIdentifier
	rest, err := asn1.Unmarshal(der, &oids)
	if err != nil {
		return nil, false, 0, fmt.Errorf("windows: bad CERT_ENHKEY_USAGE_PROP_ID value: %w", err)
	}
	if len(rest) != 0 {
		return nil, false, 0, fmt.Errorf("windows: bad CERT_ENHKEY_USAGE_PROP_ID value: %d trailing bytes", len(rest))
	}
	if len(oids) == 0 {
		return nil, true, 0, nil
	}
	seen := map[trust.Usage]bool{}
	for _, o := range oids {
		u, ok := ekuUsages[o.String()]
		if !ok {
			unknown++
			continue
		}
		if !seen[u] {
			seen[u] = true
			purposes = append(purposes, u)
		}
	}
	return purposes, false, unknown, nil
}
