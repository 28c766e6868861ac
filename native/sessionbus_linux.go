package native

import (
	"net"
	"os"
	"strings"
	"time"
)

// sessionBusProblem says why the freedesktop Secret Service cannot be
// reached (no session bus address, or no bus listening at it), or "" when
// a session bus accepts connections.
func sessionBusProblem() string {
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if addr == "" {
		return "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set; log in to a desktop session, or run the program under `dbus-run-session` with a keyring daemon such as gnome-keyring-daemon unlocked"
	}
	var tried []string
	for _, entry := range strings.Split(addr, ";") {
		network, target, ok := busDialTarget(entry)
		if !ok {
			continue
		}
		c, err := net.DialTimeout(network, target, time.Second)
		if err == nil {
			c.Close()
			return ""
		}
		tried = append(tried, target)
	}
	if len(tried) == 0 {
		return "no usable D-Bus session bus: DBUS_SESSION_BUS_ADDRESS=" + addr + " names no unix: or tcp: address"
	}
	return "no D-Bus session bus listening at " + strings.Join(tried, ", ") + " (DBUS_SESSION_BUS_ADDRESS is stale: start a session bus, e.g. with `dbus-run-session`)"
}

// busDialTarget turns one D-Bus server address ("unix:path=/run/user/1000/bus",
// "unix:abstract=/tmp/dbus-x", "tcp:host=h,port=p") into a dial target.
func busDialTarget(entry string) (network, target string, ok bool) {
	transport, params, found := strings.Cut(entry, ":")
	if !found {
		return "", "", false
	}
	kv := map[string]string{}
	for _, p := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(p, "=")
		kv[k] = v
	}
	switch {
	case transport == "unix" && kv["path"] != "":
		return "unix", kv["path"], true
	case transport == "unix" && kv["abstract"] != "":
		return "unix", "@" + kv["abstract"], true
	case transport == "tcp" && kv["host"] != "" && kv["port"] != "":
		return "tcp", net.JoinHostPort(kv["host"], kv["port"]), true
	}
	return "", "", false
}
