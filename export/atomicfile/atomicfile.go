// Package atomicfile writes a file so that readers see the old file or
// the whole new one, never a part: the data goes to a temporary file in
// the same folder (a rename is atomic only within one file system),
// which is then moved into place. The command line's -o, the window's
// saved profiles and the batch's thousands of files all write this way.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
)

var (
	// ErrExists: Options.Keep was set and the file is already there.
	ErrExists = errors.New("the file already exists")
	// ErrIsDir: the path is a folder.
	ErrIsDir = errors.New("the path is a folder")
)

// Options say how to write.
type Options struct {
	// Mode of the new file (less the umask), 0644 when zero. A file
	// holding a password is written 0600 from its first byte.
	Mode os.FileMode
	// Keep refuses to replace an existing file, with ErrExists. The new
	// file is hard-linked into place, which fails if one appeared after
	// the check, so there is no window for a race; file systems without
	// hard links fall back to a rename after the check.
	Keep bool
	// NoSync skips syncing the data before the move. A caller writing
	// thousands of files syncs once at the end instead: a sync per file
	// costs milliseconds each.
	NoSync bool
	// MakeDirs creates missing parent folders.
	MakeDirs bool
}

// seq numbers this process's temporary files.
var seq atomic.Uint64

// Write writes data to path as Options say.
func Write(path string, data []byte, o Options) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("%s: %w", path, ErrIsDir)
	}
	if o.Keep {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
	}
	tmpName, err := writeTemp(path, data, o)
	if err != nil {
		return err
	}
	defer os.Remove(tmpName) // a no-op once the file has been moved
	if o.Keep {
		err := os.Link(tmpName, path)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
		if err == nil {
			return nil
		}
	}
	return os.Rename(tmpName, path)
}

// writeTemp writes data to a new temporary file beside path and returns
// its name. The name is this process's own and the file is created with
// its final mode in one call: on a busy disk every metadata change
// counts, and a batch makes thousands.
func writeTemp(path string, data []byte, o Options) (string, error) {
	mode := o.Mode
	if mode == 0 {
		mode = 0o644
	}
	var tmpName string
	create := func() (tmp *os.File, err error) {
		// A name left by a crashed process that had our pid is skipped.
		for range 3 {
			tmpName = filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.tmp-%d-%d", filepath.Base(path), os.Getpid(), seq.Add(1)))
			if tmp, err = os.OpenFile(tmpName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode); !errors.Is(err, fs.ErrExist) {
				break
			}
		}
		return tmp, err
	}
	tmp, err := create()
	if o.MakeDirs && errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			tmp, err = create()
		}
	}
	if err != nil {
		return "", err
	}
	_, err = tmp.Write(data)
	if err == nil && !o.NoSync {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmpName)
		return "", err
	}
	return tmpName, nil
}
