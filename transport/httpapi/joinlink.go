package httpapi

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// LANAddress is the address phones on the same network can reach this
// machine at, chosen among the addresses of its up, non-loopback
// interfaces by chooseLANAddress. ok is false on a machine with only
// loopback (or link-local) addresses.
func LANAddress() (addr netip.Addr, ok bool) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return netip.Addr{}, false
	}
	var found []netip.Addr
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if ipnet, isNet := a.(*net.IPNet); isNet {
				if ip, valid := netip.AddrFromSlice(ipnet.IP); valid {
					found = append(found, ip.Unmap())
				}
			}
		}
	}
	return chooseLANAddress(found)
}

// chooseLANAddress picks the first private IPv4 address (10/8, 172.16/12,
// 192.168/16); failing that the first other unicast IPv4 one; IPv6 only
// where that is all there is, private (fc00::/7) before global. Loopback
// and link-local addresses are never chosen: a phone cannot use them.
func chooseLANAddress(addrs []netip.Addr) (netip.Addr, bool) {
	best, bestRank := netip.Addr{}, 0
	for _, ip := range addrs {
		rank := 0
		switch {
		case !ip.IsValid() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast():
		case ip.Is4() && ip.IsPrivate():
			rank = 4
		case ip.Is4() && ip.IsGlobalUnicast():
			rank = 3
		case ip.Is6() && ip.IsPrivate():
			rank = 2
		case ip.Is6() && ip.IsGlobalUnicast():
			rank = 1
		}
		if rank > bestRank {
			best, bestRank = ip, rank
		}
	}
	return best, bestRank > 0
}

// LANBaseURL is the base of join links for a server listening on listen
// when no public URL is set: the LAN address for a server listening on
// every interface, the listen address itself for one bound to a reachable
// address, and "" for one bound to loopback only (phones cannot reach it).
func LANBaseURL(listen net.Addr) string {
	tcp, ok := listen.(*net.TCPAddr)
	if !ok {
		return ""
	}
	port := strconv.Itoa(tcp.Port)
	ip, valid := netip.AddrFromSlice(tcp.IP)
	if !valid || ip.Unmap().IsUnspecified() || len(tcp.IP) == 0 {
		lan, found := LANAddress()
		if !found {
			return ""
		}
		return "http://" + net.JoinHostPort(lan.String(), port)
	}
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return ""
	}
	return "http://" + net.JoinHostPort(ip.String(), port)
}

// loopbackHost says whether a Host header (or URL host) names this machine
// only: localhost, 127.0.0.0/8 or ::1. A join link there reaches each phone
// itself.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// LocalOnly reports whether a link (a join link, a public URL) reaches only
// the machine it is opened on, as localhost and 127.0.0.1 do on a phone.
func LocalOnly(link string) bool { return joinLocalOnly(link) }
