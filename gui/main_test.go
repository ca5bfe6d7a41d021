package gui

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a check or health goroutine outlives
// its test.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
