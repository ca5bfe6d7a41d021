package batch

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a check, probe or writer goroutine of
// a batch outlives its test.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
