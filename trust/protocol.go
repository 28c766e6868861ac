package trust

// NextProtocol is an ALPN protocol identifier (RFC 7301). Any string is
// allowed; the constants name the registered ones PEP 543 lists.
type NextProtocol string

// Well-known ALPN protocol identifiers.
const (
	H2               NextProtocol = "h2"
	H2C              NextProtocol = "h2c"
	HTTP1_1          NextProtocol = "http/1.1"
	WebRTC           NextProtocol = "webrtc"
	CWebRTC          NextProtocol = "c-webrtc"
	FTP              NextProtocol = "ftp"
	StunNatDiscovery NextProtocol = "stun.nat-discovery"
	StunTurn         NextProtocol = "stun.turn"
)
