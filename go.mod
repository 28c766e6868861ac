module github.com/nativetls/nativetls

go 1.26.0

require (
	github.com/ThalesIgnite/crypto11 v1.2.5
	github.com/ebitengine/purego v0.11.3
	github.com/keybase/go-keychain v0.0.1
	github.com/smallstep/pkcs7 v0.2.3
	github.com/youmark/pkcs8 v0.0.0-20240726163527-a2c0da244d78
	golang.org/x/crypto v0.58.0
	golang.org/x/net v0.60.0
	golang.org/x/sys v0.49.0
	google.golang.org/grpc v1.85.0
	software.sslmate.com/src/go-pkcs12 v0.7.4
)

require (
	github.com/keybase/dbus v0.0.0-20220506165403-5aa21ea2c23a // indirect
	github.com/miekg/pkcs11 v1.1.2 // indirect
	github.com/pkg/errors v0.8.1 // indirect
	github.com/thales-e-security/pool v0.0.2 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
