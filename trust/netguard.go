package trust

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// The network guard of the fetches a peer can trigger (AIA caIssuers URLs,
// OCSP responder URLs): those URLs come from a certificate the peer sent,
// so without a guard a peer could make a server or client request its own
// loopback services, its cloud metadata endpoint (169.254.169.254) or
// hosts on its private network. Every connection — the first and those of
// redirects — is checked at connect time, on the address actually dialed
// after name resolution (a net.Dialer Control function), so a name that
// resolves to a public address when checked and to a private one when
// dialed cannot slip through.

// ErrNonPublicAddress is wrapped by the error of a fetch refused because
// the address it would connect to is not a public unicast address.
var ErrNonPublicAddress = errors.New("trust: refused to connect to a non-public address")

// AddressError reports a connection the network guard refused.
type AddressError struct {
	Addr netip.Addr // the resolved address that would have been dialed
	Kind string     // why it is refused, e.g. "loopback", "link-local"
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("trust: refused to connect to %s (%s address): certificate-supplied URLs may reach only public addresses (set AllowPrivateNetworks on the AIAFetcher or OCSPClient to allow this, e.g. in tests)", e.Addr, e.Kind)
}

// Unwrap returns ErrNonPublicAddress.
func (e *AddressError) Unwrap() error { return ErrNonPublicAddress }

// nonPublicRanges are the IPv4 and IPv6 ranges a certificate-supplied URL
// may not reach, beyond what netip's predicates cover.
var nonPublicRanges = []struct {
	prefix netip.Prefix
	kind   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignment"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
}

// addressKind returns why a is not public, or "" for a public unicast
// address. IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 (2002::/16) forms
// are judged by the IPv4 address they carry.
func addressKind(a netip.Addr) string {
	a = a.Unmap()
	if v4, ok := embeddedIPv4(a); ok {
		a = v4
	}
	switch {
	case !a.IsValid():
		return "invalid"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	case a.IsPrivate():
		return "private"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, r := range nonPublicRanges {
		if r.prefix.Contains(a) {
			return r.kind
		}
	}
	return ""
}

var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// embeddedIPv4 returns the IPv4 address a NAT64 or 6to4 address carries.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() {
		return netip.Addr{}, false
	}
	b := a.As16()
	switch {
	case nat64Prefix.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// checkAddress is the guard's decision on one dialed address ("ip:port").
func checkAddress(address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("trust: refused to connect to %q: not a resolved IP address", address)
	}
	if kind := addressKind(ap.Addr().WithZone("")); kind != "" {
		return &AddressError{Addr: ap.Addr(), Kind: kind}
	}
	return nil
}

// dialGuard dials for one fetcher: every connection to a peer-chosen host
// goes through checkAddress unless allowPrivate; connections to the proxy
// the program configured (recorded by the proxy wrapper) are exempt, since
// the operator chose that address, not the peer.
type dialGuard struct {
	allowPrivate bool
	check        func(address string) error // checkAddress; tests narrow it
	proxies      sync.Map                   // "host:port" of configured proxies
}

// guardCheck is the check of new guards; tests narrow it to refuse one
// local server and allow another.
var guardCheck = checkAddress

func newDialGuard(allowPrivate bool) *dialGuard {
	return &dialGuard{allowPrivate: allowPrivate, check: guardCheck}
}

func (g *dialGuard) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 30 * time.Second}
	if _, proxy := g.proxies.Load(addr); !proxy && !g.allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error { return g.check(address) }
	}
	return d.DialContext(ctx, network, addr)
}
