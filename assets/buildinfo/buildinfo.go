// Package buildinfo says which Postino this is: its version, the commit
// it was built from and the Go toolchain that built it, for
// `postino --version` and the window's About box (a support request
// starts with these three).
//
// The packaging scripts stamp Version and Commit with -ldflags -X (see
// .ci/package.sh); a plain `go build` or `go install` in a clone still
// knows its commit from the VCS data Go records in the binary.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// DefaultVersion is the version in FyneApp.toml (a test keeps them
// equal): what a build that was not stamped reports.
const DefaultVersion = "0.1.0"

// Set at link time: -X github.com/postino-mail/postino/assets/buildinfo.Version=...
var (
	Version string
	Commit  string
)

// Info is one build's identity.
type Info struct {
	Version   string // "0.1.0"
	Commit    string // full hash, "+dirty" when built from a modified tree; "unknown" when not recorded
	GoVersion string // "go1.26.8"
	Platform  string // "windows/amd64"
}

// Get returns this binary's Info.
func Get() Info {
	return get(Version, Commit, debug.ReadBuildInfo)
}

func get(version, commit string, read func() (*debug.BuildInfo, bool)) Info {
	info := Info{Version: version, Commit: commit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := read(); ok {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		if info.Commit == "" {
			info.Commit = vcsCommit(bi)
		}
		if info.Version == "" {
			// A module version (go install ...@v1.2.3), not a
			// pseudo-version made up from the commit.
			if v := bi.Main.Version; strings.HasPrefix(v, "v") && strings.Count(v, "-") == 0 && !strings.Contains(v, "+") {
				info.Version = strings.TrimPrefix(v, "v")
			}
		}
	}
	if info.Version == "" {
		info.Version = DefaultVersion
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

func vcsCommit(bi *debug.BuildInfo) string {
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" && modified {
		rev += "+dirty"
	}
	return rev
}

// String is the one line `postino --version` prints:
// "postino 0.1.0 (commit 1a2b3c4…, go1.26.8, linux/amd64)".
func (i Info) String() string {
	return fmt.Sprintf("postino %s (commit %s, %s, %s)", i.Version, i.Commit, i.GoVersion, i.Platform)
}
