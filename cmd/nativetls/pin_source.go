package main

import (
	"context"

	"github.com/nativetls/nativetls/native"
)

// pinCallback turns a password source into a PKCS#11 PIN callback.
func pinCallback(spec string) (func(context.Context, string) (string, error), error) {
	f, err := native.PasswordSource(spec)
	if err != nil {
		return nil, err
	}
	return func(context.Context, string) (string, error) {
		b, err := f()
		return string(b), err
	}, nil
}
