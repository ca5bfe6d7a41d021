package digits

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "7": 7, "0100": 100, "9999999999": 9999999999, "604800": 604800} {
		if n, ok := Parse(in); !ok || n != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, n, ok, want)
		}
	}
	for _, in := range []string{"", "+5", "-5", " 5", "5 ", "0x5", "1e3", "12345678901", "٣"} {
		if n, ok := Parse(in); ok {
			t.Errorf("Parse(%q) = %d, want refused", in, n)
		}
	}
}
