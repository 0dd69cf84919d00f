package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// correctRequest corrects what an open action says. A field left out stays as it is; details and
// the customer's name and contact may be corrected to nothing (""). The customer's reference is
// not corrected: it names whose action it is, and their erasure.
type correctRequest struct {
	Title    *string                 `json:"title,omitempty" binding:"omitempty,max=200"`
	Details  *string                 `json:"details,omitempty" binding:"omitempty,max=10000"`
	Priority *string                 `json:"priority,omitempty" binding:"omitempty,max=32"`
	Customer *correctCustomerRequest `json:"customer,omitempty"`
	Reason   string                  `json:"reason,omitempty" binding:"max=2000"`
}

type correctCustomerRequest struct {
	Ref     *string `json:"ref,omitempty" binding:"omitempty,max=100"`
	Name    *string `json:"name,omitempty" binding:"omitempty,max=200"`
	Contact *string `json:"contact,omitempty" binding:"omitempty,max=200"`
}

// personalData are the customer's new name and contact, hashed under their key as a create's are.
func (r correctRequest) personalData() []string {
	if r.Customer == nil {
		return nil
	}
	var out []string
	for _, v := range []*string{r.Customer.Name, r.Customer.Contact} {
		if v != nil {
			out = append(out, *v)
		}
	}
	return out
}

func (r *correctRequest) checkFields() []FieldError {
	var fields []FieldError
	if r.Customer != nil && r.Customer.Ref != nil {
		fields = append(fields, FieldError{Field: "customer.ref", Message: "cannot be corrected: it says whose action this is (and whose data an erasure removes); cancel the action and create it for the right customer"})
	}
	return fields
}

// checkAction refuses new personal data for a customer whose data was erased: sealing it would
// give them a key again.
func (r *correctRequest) checkAction(a models.Action) error {
	if a.CustomerErased() && len(r.personalData()) > 0 {
		return codedf(kindConflict, codeCustomerErased, "the customer's personal data was erased: their name and contact cannot be given again; correct the title or details only")
	}
	return nil
}

func (s *server) correct(c *gin.Context) {
	command(s, workflows.UpdateCorrect, http.StatusOK, func(c *gin.Context, a models.Action, req correctRequest) (any, error) {
		in := workflows.CorrectInput{Actor: actorOf(principal(c)), Details: req.Details, Priority: req.Priority, Reason: req.Reason}
		if req.Title != nil {
			title := strings.TrimSpace(*req.Title)
			in.Title = &title
		}
		if req.Customer == nil || (req.Customer.Name == nil && req.Customer.Contact == nil) {
			return in, nil
		}
		// The workflow holds the customer's data sealed, and a sealed value never equals another:
		// a value that already reads so (a form sent with every field) is left out here, against
		// the action as the read model has it.
		fields := []struct {
			given *string
			held  string
			set   **string
		}{{req.Customer.Name, a.CustomerName, &in.CustomerName}, {req.Customer.Contact, a.CustomerContact, &in.CustomerContact}}
		if err := s.openAll(c.Request.Context(), &fields[0].held, &fields[1].held); err != nil {
			return nil, err
		}
		for _, f := range fields {
			if f.given == nil || strings.TrimSpace(*f.given) == strings.TrimSpace(f.held) {
				continue
			}
			v := *f.given
			if err := s.seal(c, a.CustomerRef, a.ID, &v); err != nil {
				return nil, err
			}
			*f.set = &v
		}
		return in, nil
	})(c)
}
