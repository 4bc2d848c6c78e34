package national

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/download"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// DefaultSMHIBase is SMHI's national emissions database, whose
// getexcelfile address serves each substance's national export.
const DefaultSMHIBase = "https://nationellaemissionsdatabasen.smhi.se"

// SMHIURL is the address of substance's national export (every county and
// municipality) under base.
func SMHIURL(base, substance string) string {
	return strings.TrimRight(base, "/") + "/api/getexcelfile/?county=0&municipality=0&sub=" + url.QueryEscape(substance)
}

// SMHIFetch says what to download from SMHI.
type SMHIFetch struct {
	Base       string   // default DefaultSMHIBase
	Substances []string // default every substance (klimatrapport.Substances)
	Client     *download.Client
	Progress   func(rows int)
}

// SMHIFetched is one substance's download and import.
type SMHIFetched struct {
	Substance string      `json:"substance"`
	URL       string      `json:"url"`
	Summary   SMHISummary `json:"summary"`
	Error     string      `json:"error,omitempty"`
}

// ParseSubstances reads a list of substance codes separated by commas
// ("GGT,co2"); empty is every substance.
func ParseSubstances(list string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(list, ",") {
		f = strings.ToUpper(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if !slices.Contains(kr.Substances(), f) {
			return nil, kr.E(kr.Invalid, "Okänt ämne %q; välj bland %s.", f, strings.Join(kr.Substances(), ", "))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return kr.Substances(), nil
	}
	return out, nil
}

// FetchSMHI downloads each substance's national export from SMHI and
// imports it as a release (ImportSMHI). A download whose content was
// imported before changes nothing (SMHI builds its file anew for every
// download, so the file's bytes differ; ContentIdentity compares what it
// holds). A substance that fails leaves its stored releases as they were
// and the others are still fetched; the error names every failure. actor
// must be allowed to import national data: that is asked before anything
// is downloaded.
func (s *Store) FetchSMHI(ctx context.Context, actor kr.Actor, f SMHIFetch) ([]SMHIFetched, error) {
	if err := mayImport(actor); err != nil {
		return nil, err
	}
	if f.Base == "" {
		f.Base = DefaultSMHIBase
	}
	if len(f.Substances) == 0 {
		f.Substances = kr.Substances()
	}
	if f.Client == nil {
		f.Client = &download.Client{}
	}
	var out []SMHIFetched
	var errs []error
	for _, sub := range f.Substances {
		r := SMHIFetched{Substance: sub, URL: SMHIURL(f.Base, sub)}
		var err error
		r.Summary, err = s.fetchSMHI(ctx, actor, f, r.URL)
		if err != nil {
			r.Error = kr.MessageOf(err)
			errs = append(errs, kr.Wrap(kr.KindOf(err), err, fmt.Sprintf("%s: %s", sub, kr.MessageOf(err))))
		}
		out = append(out, r)
	}
	return out, joinErrors(errs)
}

func (s *Store) fetchSMHI(ctx context.Context, actor kr.Actor, f SMHIFetch, address string) (SMHISummary, error) {
	content, err := f.Client.Get(ctx, address)
	if err != nil {
		return SMHISummary{}, err
	}
	id, err := ContentIdentity(content)
	if err != nil {
		return SMHISummary{}, err
	}
	return s.ImportSMHI(ctx, actor, SMHIImport{FileName: address, Content: content, Progress: f.Progress, Identity: id})
}

// joinErrors is nil for none, the error itself for one, and for several
// an error of the first's kind whose message lists them all.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = kr.MessageOf(e)
	}
	return kr.Wrap(kr.KindOf(errs[0]), errors.Join(errs...), strings.Join(msgs, "\n"))
}

// ContentIdentity is the SHA-256 of what an .xlsx holds rather than of its
// bytes: the name, CRC-32 and size of every part but the document
// properties (docProps/, where SMHI's generator writes the time of the
// download). Two downloads of the same release are one identity; any
// change to a sheet or its strings is another. Only the zip's directory is
// read, nothing is inflated; the count of its entries is capped first.
func ContentIdentity(content []byte) (string, error) {
	r := bytes.NewReader(content)
	if err := xlsx.CheckEntries(r, r.Size()); err != nil {
		return "", err
	}
	zr, err := zip.NewReader(r, r.Size())
	if err != nil {
		return "", kr.Wrap(kr.Invalid, err, "Filen från SMHI är ingen Excel-fil (.xlsx). Ingenting har lästs in.")
	}
	files := slices.Clone(zr.File)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	h := sha256.New()
	for _, f := range files {
		if strings.HasPrefix(strings.ToLower(f.Name), "docprops/") {
			continue
		}
		h.Write([]byte(f.Name))
		h.Write([]byte{0})
		h.Write(binary.BigEndian.AppendUint32(nil, f.CRC32))
		h.Write(binary.BigEndian.AppendUint64(nil, f.UncompressedSize64))
	}
	return "parts:" + hex.EncodeToString(h.Sum(nil)), nil
}
