//go:build !windows

package mailconn

var platformReset []error
