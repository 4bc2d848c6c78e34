package compliance

import (
	"context"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

func TestPolitical(t *testing.T) {
	bodies := DefaultRules().Goals.PoliticalBodies
	for in, want := range map[string]bool{
		"Kommunfullmäktige": true, "kommunstyrelsen": true, "Miljö- och byggnämnden": true, "KF": true, "KF § 123": true,
		"Regionfullmäktige": true, "Miljöförvaltningen": false, "Klimatstrateg": false, "KFX": false, "": false,
	} {
		if got := political(in, bodies); got != want {
			t.Errorf("%q: %v", in, got)
		}
	}
	if !political("Miljöförvaltningen", nil) {
		t.Error("without a list, any body counts")
	}
}

func TestDeadlineInSwedishTime(t *testing.T) {
	r := DefaultRules()
	end := r.deadlineEnd(2026)
	// Midnight at the end of 30 June in Stockholm is 22:00 UTC (summer time).
	if got := end.UTC().Format(time.DateTime); got != "2026-06-30 22:00:00" {
		t.Errorf("deadline ends %s UTC", got)
	}
}

// TestCleanText: what a reviewer or member writes is kept trimmed, with its
// line breaks; empty text, broken UTF-8, control characters and overlong
// text are refused with a Swedish message.
func TestCleanText(t *testing.T) {
	if got, err := cleanText("  Beslut i KF.\r\n\tSe protokollet.  ", "en kommentar"); err != nil || got != "Beslut i KF.\r\n\tSe protokollet." {
		t.Errorf("a comment with line breaks: %q %v", got, err)
	}
	for in, want := range map[string]kr.Kind{
		"   ": kr.Invalid, "Bra\x00": kr.Invalid, "Bra\x1b[31m": kr.Invalid, "Bra\xff": kr.Invalid,
		strings.Repeat("å", MaxCommentRunes+1): kr.TooLarge,
	} {
		if _, err := cleanText(in, "en kommentar"); kr.KindOf(err) != want || kr.MessageOf(err) == "" {
			t.Errorf("%.20q: %v, want %s", in, err, want)
		}
	}
}

// TestReplyToIsAnID: a reply naming something other than a review's id is
// refused before anything is read, without repeating what was sent.
func TestReplyToIsAnID(t *testing.T) {
	officer := kr.Actor{Role: kr.RoleOfficer, Municipality: "1281"}
	for _, to := range []string{strings.Repeat("a", 10000), "<script>", "0190b6a2-0000-7000-8000-000000000000x", "{0190b6a2-0000-7000-8000-000000000000}"} {
		_, _, err := (&Engine{}).Reply(context.Background(), officer, ReplyInput{Code: "1281", Year: 2025, Obligation: Goals, Message: "Svar.", ReplyTo: to})
		if kr.KindOf(err) != kr.Invalid || strings.Contains(kr.MessageOf(err), to) {
			t.Errorf("reply to %.20q: %v", to, err)
		}
	}
}
