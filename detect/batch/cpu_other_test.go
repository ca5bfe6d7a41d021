//go:build !linux

package batch

import "time"

// cpuTime is not measured here (see cpu_linux_test.go).
func cpuTime() time.Duration { return 0 }
