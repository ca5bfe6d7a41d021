// Package digits reads the plain decimal numbers of DNS policy records
// (DMARC's pct and ri, MTA-STS's max_age): ASCII digits only, no sign,
// no spaces, at most 10 of them, so the value always fits an int and a
// record cannot smuggle in "+5", " 5" or "0x5" that strconv would take.
package digits

// Parse reads s as 1 to 10 decimal digits.
func Parse(s string) (int, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
