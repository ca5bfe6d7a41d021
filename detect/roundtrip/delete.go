package roundtrip

import (
	"context"
	"errors"
	"fmt"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/problem"
)

// DeleteResult says what Delete did.
type DeleteResult struct {
	// Deleted: the message is gone.
	Deleted bool
	// MarkedDeleted: the IMAP server cannot expunge one message (no
	// UIDPLUS), so it is only flagged \Deleted (see Result.MarkedDeleted).
	MarkedDeleted bool
	// NotFound: no message with that token is in the mailbox (any more).
	NotFound bool
	// Problem explains a failure to log in or to delete.
	Problem *problem.Problem
}

// Delete removes the test message of an earlier Run, found by its token,
// for front ends that offer deletion after showing the result. opts are
// the ones given to Run (only Address, Username, Password, Incoming and
// AllowInsecureTLS are used). A token that Run did not make is refused,
// so Delete can never remove any other message.
func Delete(ctx context.Context, nw *network.Network, opts Options, token string) (DeleteResult, error) {
	if !validToken(token) {
		return DeleteResult{}, fmt.Errorf("roundtrip: %q is not a test message token", token)
	}
	addr, err := address.Parse(opts.Address)
	if err != nil {
		return DeleteResult{}, err
	}
	switch {
	case opts.Password == "":
		return DeleteResult{}, errors.New("roundtrip: no password")
	case !opts.Incoming.Protocol.Incoming():
		return DeleteResult{}, fmt.Errorf("roundtrip: %s is not an incoming server", opts.Incoming)
	case opts.Incoming.Security != mail.TLS && opts.Incoming.Security != mail.STARTTLS:
		return DeleteResult{}, fmt.Errorf("roundtrip: %s does not encrypt the connection", opts.Incoming)
	}
	s := &session{life: ctx, nw: orDefault(nw), opts: opts}
	stepCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	box, err := s.open(stepCtx, s.user(opts.Incoming, addr))
	if err != nil {
		p := s.explain(ctx, opts.Incoming, err, true)
		return DeleteResult{Problem: scrubbed(&p, opts.Password)}, nil
	}
	defer box.close()
	delCtx, cancelDel := context.WithTimeout(ctx, deleteTimeout)
	defer cancelDel()
	stop := context.AfterFunc(delCtx, box.interrupt)
	defer stop()
	folder, err := box.find(token)
	if err == nil && folder == "" {
		return DeleteResult{NotFound: true}, nil
	}
	if err == nil {
		err = box.remove()
	}
	switch {
	case errors.Is(err, errNoUIDPlus):
		return DeleteResult{MarkedDeleted: true}, nil
	case err != nil:
		p := s.explain(ctx, opts.Incoming, err, false)
		return DeleteResult{Problem: scrubbed(&p, opts.Password)}, nil
	}
	return DeleteResult{Deleted: true}, nil
}
