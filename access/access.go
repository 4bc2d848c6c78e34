// Package access decides who may do what: one table of rights, consulted
// through Check (and CheckAccount, for changes to an account: its own, or
// anyone's by an admin), by the services, the HTTP handlers and the command
// line alike.
package access

import (
	kr "github.com/klimatkommunerna/klimatrapport"
)

// Action is something an actor may be allowed to do.
type Action string

// Actions. Scoped actions name a municipality (or county) code as target.
const (
	ReadPublic       Action = "read-public"       // published figures and pages
	Submit           Action = "submit"            // upload a report for target
	ReadSubmission   Action = "read-submission"   // a submission, its file and report, for target
	ReadCompliance   Action = "read-compliance"   // compliance results for target
	ReplyCompliance  Action = "reply-compliance"  // a member's reply to a review, for target
	ReviewCompliance Action = "review-compliance" // set a status and comment
	ExportCompliance Action = "export-compliance" // the board's xlsx of all members
	ManageMembers    Action = "manage-members"
	DecideMembership Action = "decide-membership" // read the member test's applications and decide them: admit a member or an observer, or not yet
	ManageAccounts   Action = "manage-accounts"   // create, disable and enable accounts; set passwords, links and tokens of any account
	SetOwnPassword   Action = "set-own-password"  // an account's own password (see CheckAccount)
	RevokeOwnToken   Action = "revoke-own-token"  // one of the account's own API tokens, e.g. a leaked one (see CheckAccount)
	ImportNational   Action = "import-national"   // SMHI, SCB
	ReadAudit        Action = "read-audit"
	SendReminders    Action = "send-reminders" // e-mail the members' reminders
	Apply            Action = "apply"          // send a membership application (the member test); anyone may
)

// scope says whether a role's right to an action is limited to its own
// municipality.
type scope int

const (
	none scope = iota
	own        // only for the actor's own municipality
	all        // for any target
)

// rights is the authorisation table: role × action → scope.
var rights = map[kr.Role]map[Action]scope{
	kr.RolePublic: {ReadPublic: all, Apply: all},
	kr.RoleOfficer: {
		ReadPublic: all, Apply: all, Submit: own, ReadSubmission: own, ReadCompliance: own, ReplyCompliance: own,
		SetOwnPassword: all, RevokeOwnToken: all,
	},
	kr.RoleReviewer: {
		ReadPublic: all, Apply: all, ReadSubmission: all, ReadCompliance: all, ReviewCompliance: all, ExportCompliance: all,
		DecideMembership: all, SetOwnPassword: all, RevokeOwnToken: all,
	},
	kr.RoleAdmin: {
		ReadPublic: all, Apply: all, Submit: all, ReadSubmission: all, ReadCompliance: all, ReviewCompliance: all,
		ExportCompliance: all, ManageMembers: all, DecideMembership: all, ManageAccounts: all, ImportNational: all, ReadAudit: all, SendReminders: all,
		SetOwnPassword: all, RevokeOwnToken: all,
	},
}

// Allowed reports whether actor may do action on target (a municipality or
// county code; empty for unscoped actions). The command line (RoleSystem)
// may do everything.
func Allowed(actor kr.Actor, action Action, target string) bool {
	if actor.Role == kr.RoleSystem {
		return true
	}
	switch rights[actor.Role][action] {
	case all:
		return true
	case own:
		return target != "" && actor.Municipality != "" && target == actor.Municipality
	}
	return false
}

// Check returns nil if actor may do action on target, else an error of kind
// Unauthorized (nobody signed in) or Forbidden.
func Check(actor kr.Actor, action Action, target string) error {
	if Allowed(actor, action, target) {
		return nil
	}
	if actor.Role == kr.RolePublic {
		return kr.E(kr.Unauthorized, "Logga in för att göra det här.")
	}
	if target != "" && actor.Role == kr.RoleOfficer {
		return kr.E(kr.Forbidden, "Du kan bara rapportera och se uppgifter för din egen kommun (%s), inte för %s.", actor.Municipality, target)
	}
	return kr.E(kr.Forbidden, "Din roll får inte göra det här.")
}

// CheckAccount returns nil if actor may change the account accountID: its
// own account with the self action (SetOwnPassword, RevokeOwnToken; empty
// when there is none), anyone's with ManageAccounts, which only admins (and
// the command line) have. Else an error of kind Unauthorized or Forbidden.
func CheckAccount(actor kr.Actor, self Action, accountID string) error {
	if self != "" && actor.ID != "" && actor.ID == accountID && Allowed(actor, self, "") {
		return nil
	}
	if Allowed(actor, ManageAccounts, "") {
		return nil
	}
	if actor.Role == kr.RolePublic {
		return kr.E(kr.Unauthorized, "Logga in för att göra det här.")
	}
	return kr.E(kr.Forbidden, "Bara en administratör får hantera konton och API-nycklar åt andra.")
}
