package trust

import "github.com/nativetls/nativetls/trust/internal/hook"

func init() {
	hook.DisableValidation = func(v any) any {
		c := v.(Configuration)
		c.validate = validateOff
		return c
	}
	hook.DisableHostnameCheck = func(v any) any {
		c := v.(Configuration)
		c.noHostname = true
		return c
	}
}
