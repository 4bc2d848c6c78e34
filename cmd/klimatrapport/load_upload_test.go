package main

// The uploaders of the load test's storm, and how soon an uploader's own
// page shows what it sent.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	uploadTries   = 10               // a 503 with Retry-After is retried this often
	retryAfterCap = 5 * time.Second  // the longest wait between tries
	ownPageWait   = 15 * time.Second // how long an uploader watches its page for its upload
	visibleWait   = 30 * time.Second // the longest a municipality's last upload may take to show
)

// uploads is what the storm's uploaders saw.
type uploads struct {
	mu      sync.Mutex
	sent    int               // files sent (each until it got an answer other than a retried 503)
	created int               // 201s
	retried int               // 503s with Retry-After, retried
	last    map[string]string // municipality → id of its last accepted upload
	visible []time.Duration   // watched 201s: from the 201 until the page showed it
	unseen  int               // watched 201s not shown within ownPageWait
	faults  *loadFaults       // uploads not accepted
	client  *http.Client      // for uploads, with a long timeout
	watch   map[string]bool   // municipalities whose uploader watches its page after each 201
	reader  *reader           // for watching the pages
	workers int               // uploaders started
}

func newUploads(r *reader, watched []string) *uploads {
	u := &uploads{last: map[string]string{}, faults: r.faults, reader: r,
		client: &http.Client{Timeout: uploadTimeout}, watch: map[string]bool{}}
	for _, c := range watched {
		u.watch[c] = true
	}
	return u
}

// uploader sends new files for code until deadline, one at a time, each
// with figures of its own; a watching uploader waits after each 201 until
// its page shows the upload.
func (u *uploads) uploader(t *testing.T, n int, code string, deadline time.Time) {
	for k := 0; time.Now().Before(deadline); k++ {
		scale := float64(100 + 1000*n + k)
		id, at, ok := u.send(code, scale, reportFor(t, code, 2025, scale))
		if !ok {
			return
		}
		if u.watch[code] {
			u.watchOwnPage(code, id, at)
		}
	}
}

// send uploads file, retrying a 503 that has Retry-After, and returns
// the id of the accepted submission and when the 201 came.
func (u *uploads) send(code string, scale float64, file []byte) (string, time.Time, bool) {
	up := newUpload("storm", fmt.Sprintf("%s-%.0f.xlsx", code, scale), file)
	u.count(func() { u.sent++ })
	for try := 0; try < uploadTries; try++ {
		status, header, body, err := up.send(u.client, u.reader.base, faultToken)
		at := time.Now()
		if err != nil {
			u.faults.add("upload for %s: %v", code, err)
			return "", at, false
		}
		if wait, _ := strconv.Atoi(header.Get("Retry-After")); status == http.StatusServiceUnavailable && wait > 0 {
			u.count(func() { u.retried++ })
			time.Sleep(min(time.Duration(wait)*time.Second, retryAfterCap))
			continue
		}
		var r struct {
			Submission struct{ ID string } `json:"submission"`
		}
		if status != http.StatusCreated || json.Unmarshal(body, &r) != nil || r.Submission.ID == "" {
			u.faults.add("upload for %s: %d %.300q", code, status, body)
			return "", at, false
		}
		u.count(func() { u.created++; u.last[code] = r.Submission.ID })
		return r.Submission.ID, at, true
	}
	u.faults.add("upload for %s: still busy after %d tries", code, uploadTries)
	return "", time.Now(), false
}

func (u *uploads) count(f func()) {
	u.mu.Lock()
	defer u.mu.Unlock()
	f()
}

// shows reports whether the municipality's page lists submission id (the
// table of submissions the reported figures come from, drawn from the
// same snapshot as the figures), as an anonymous reader sees it or, with
// token, as the uploader does.
func (u *uploads) shows(code, id, token string) bool {
	body, _, ok := u.reader.fetchAs("/kommun/"+code, token)
	return ok && strings.Contains(string(body), id)
}

// watchOwnPage polls the uploader's own page, with the uploader's token,
// until it shows id and records the time since the 201 (everyone else's
// view converges within the builder's debounce: checkLastShown).
func (u *uploads) watchOwnPage(code, id string, at time.Time) {
	for time.Since(at) < ownPageWait {
		if u.shows(code, id, faultToken) {
			took := time.Since(at)
			u.count(func() { u.visible = append(u.visible, took) })
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	u.count(func() { u.unseen++ })
}

// checkLastShown fails the test unless each municipality's page shows its
// last accepted upload within visibleWait: an accepted upload that never
// shows is lost.
func (u *uploads) checkLastShown(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(visibleWait)
	for code, id := range u.last {
		for !u.shows(code, id, "") {
			if time.Now().After(deadline) {
				t.Errorf("/kommun/%s does not show its last accepted upload %s %v after the storm", code, id, visibleWait)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// readYourWrites is the line of the read-your-writes figures.
func (u *uploads) readYourWrites() string {
	pct := percentiles(u.visible)
	shown := "never"
	if len(u.visible) > 0 {
		shown = fmt.Sprintf("after p50 %6.1f ms, max %6.1f ms", ms(pct(0.5)), ms(pct(1)))
	}
	ok := u.unseen == 0 && len(u.visible) > 0 && pct(1) <= time.Second
	return fmt.Sprintf("%d watched 201s of %d uploaders: own page shows the upload %s; %d not within %v | target ≤ 1 s: %s",
		len(u.visible)+u.unseen, len(u.watch), shown, u.unseen, ownPageWait, verdict(ok))
}

// String is the line of the upload figures.
func (u *uploads) String() string {
	return fmt.Sprintf("%d files sent by %d uploaders: %d × 201, %d × 503 retried, %d not accepted | target every upload 201 (503 retried): %s",
		u.sent, u.workers, u.created, u.retried, u.sent-u.created, verdict(u.sent == u.created && u.sent > 0))
}
