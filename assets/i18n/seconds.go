package i18n

import (
	"strconv"
	"strings"
	"time"
)

// decimalComma lists the languages that write 2,5 where English writes
// 2.5.
var decimalComma = map[string]bool{"it": true}

// Seconds writes d as a number of seconds, without the unit, for a
// sentence in the process-wide language; see Localizer.Seconds.
func Seconds(d time.Duration) string { return Localizer{}.Seconds(d) }

// SecondsIn is For(lng).Seconds(d) ("" = the process-wide language).
func SecondsIn(lng string, d time.Duration) string { return For(lng).Seconds(d) }

// Seconds writes d as a number of seconds, without the unit: tenths from
// a second up ("2.5"), hundredths below ("0.04") because a loopback or
// local delivery takes a few milliseconds and "0.0" would say it took no
// time; anything above zero shows at least "0.01". The decimal separator
// is the language's ("2,5" in Italian). Negative durations count as zero.
func (l Localizer) Seconds(d time.Duration) string {
	var s string
	switch {
	case d <= 0:
		s = "0"
	case d < 10*time.Millisecond:
		s = "0.01"
	case d.Round(10*time.Millisecond) < time.Second:
		s = strconv.FormatFloat(d.Round(10*time.Millisecond).Seconds(), 'f', -1, 64)
	default:
		s = strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
	}
	if decimalComma[l.Lang()] {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
