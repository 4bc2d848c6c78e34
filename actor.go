package klimatrapport

// Role is what an actor may do; package access holds the table of rights.
type Role string

// Roles. The zero Role is the public: anyone without an account.
const (
	RolePublic   Role = ""
	RoleOfficer  Role = "officer"  // a member's climate officer: writes for one municipality
	RoleReviewer Role = "reviewer" // the association's reviewer: reads everything, judges compliance
	RoleAdmin    Role = "admin"    // manages members, accounts and national imports
	RoleSystem   Role = "system"   // the command line on the server itself
)

// Actor is who does something: a signed-in account, an API token's account,
// the command line, or the public.
type Actor struct {
	ID           string `json:"id,omitempty"`
	Email        string `json:"email,omitempty"`
	Role         Role   `json:"role"`
	Municipality string `json:"municipality,omitempty"` // officers only: the code they report for
}

// Name identifies the actor in logs and audit records.
func (a Actor) Name() string {
	switch {
	case a.Email != "":
		return a.Email
	case a.Role == RoleSystem:
		return "system"
	case a.ID != "":
		return a.ID
	}
	return "public"
}

// Public returns the actor of an anonymous request.
func Public() Actor { return Actor{} }

// System returns the actor of the command line.
func System() Actor { return Actor{Role: RoleSystem} }
