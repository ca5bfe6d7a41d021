package address

import "strings"

// IsServerHost reports whether h, already lowercased and without a
// trailing dot, is usable as a server name from a configuration file: a
// host name or an IPv4 address of labels made of letters, digits, "-"
// and "_" (the underscore is not RFC 952/1123 syntax, but real files and
// real DNS zones contain it), no label empty, longer than MaxLabel or
// starting or ending with "-", and at most MaxDomain octets in all
// (RFC 1035 §2.3.4). Autoconfig and Autodiscover answers share this
// rule, so a name one accepts is never refused by the other.
func IsServerHost(h string) bool {
	if h == "" || len(h) > MaxDomain {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > MaxLabel || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
