package gui

import (
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
)

// writeSaved writes an export the person chose a place for. A file that
// holds the password is written as the CLI writes one (docs/security.md):
// readable by its owner only (0600), atomically (a temporary file in the
// same folder, synced, then renamed into place) and never through a
// symlink (the rename replaces a link at that name instead of writing
// into whatever it points to). Fyne's save dialog hands over the file
// already opened, so w is closed unwritten and the file is replaced.
// Anything else goes through w, as before.
func writeSaved(w fyne.URIWriteCloser, data []byte, holdsPassword bool) error {
	uri := w.URI()
	if !holdsPassword || uri.Scheme() != "file" {
		_, err := w.Write(data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return writePrivateFile(uri.Path(), data)
}

// writePrivateFile replaces path with a new file holding data, mode 0600.
func writePrivateFile(path string, data []byte) error {
	if info, err := os.Lstat(path); err == nil && info.IsDir() {
		return fmt.Errorf("%s is a folder", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op once renamed
	fail := func(err error) error {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
