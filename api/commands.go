package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// sendCommand delivers one command to the action's workflow as an Update and answers with the
// workflow's new state. A repeated Idempotency-Key is de-duplicated by Temporal.
func (s *server) sendCommand(c *gin.Context, a models.Action, update string, arg any, status int) {
	ctx := c.Request.Context()
	opts := client.UpdateWorkflowOptions{
		WorkflowID:   workflows.ActionWorkflowID(a.ID),
		UpdateName:   update,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	if key := c.GetHeader("Idempotency-Key"); key != "" {
		if len(key) > 200 {
			writeError(c, s.Log, invalidFields(FieldError{Field: "Idempotency-Key", Message: "must be at most 200 characters"}))
			return
		}
		opts.UpdateID = principal(c).ID + "/" + update + "/" + key
	}
	handle, err := s.Temporal.UpdateWorkflow(ctx, opts)
	var state workflows.State
	if err == nil {
		err = handle.Get(ctx, &state)
	}
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.JSON(status, renderState(state))
}

// command is the shape of every action command handler: load the action in scope, read the body,
// turn it into the workflow's input, send it.
func command[Req any](s *server, update string, status int, build func(c *gin.Context, a models.Action, req Req) (any, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, err := s.loadScoped(c)
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		var req Req
		if err := s.decoder.decode(c, &req); err != nil {
			writeError(c, s.Log, err)
			return
		}
		arg, err := build(c, a, req)
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		s.sendCommand(c, a, update, arg, status)
	}
}

type notesRequest struct {
	Summary         string `json:"summary" binding:"max=4000"`
	CustomerContext string `json:"customer_context" binding:"max=4000"`
	DoneSoFar       string `json:"done_so_far" binding:"max=4000"`
	NextSteps       string `json:"next_steps" binding:"max=4000"`
	Risks           string `json:"risks" binding:"max=4000"`
}

type handoverRequest struct {
	ToID            string       `json:"to_id" binding:"required,max=64"`
	Reason          string       `json:"reason" binding:"required,max=1000"`
	Method          string       `json:"method" binding:"required,oneof=written email phone face_to_face chat report"`
	Situation       string       `json:"situation" binding:"required,oneof=routine busy quiet let_down"`
	Notes           notesRequest `json:"notes"`
	CustomerMessage string       `json:"customer_message" binding:"max=2000"`
	FollowUpIn      string       `json:"follow_up_in" binding:"max=32"`
	FollowUpAt      string       `json:"follow_up_at" binding:"max=64"`
}

func (s *server) handover(c *gin.Context) {
	command(s, workflows.UpdateHandover, http.StatusOK, func(c *gin.Context, a models.Action, req handoverRequest) (any, error) {
		in := workflows.HandoverInput{
			Actor: actorOf(principal(c)), Reason: req.Reason, Method: req.Method, Situation: req.Situation,
			Notes: workflows.HandoverNotes(req.Notes), CustomerMessage: req.CustomerMessage,
		}
		if req.Notes.Summary == "" {
			return nil, invalidFields(FieldError{Field: "notes.summary", Message: "is required: the recipient needs a summary"})
		}
		if req.FollowUpIn != "" || req.FollowUpAt != "" {
			at, err := dueTime(s.Now(), req.FollowUpIn, req.FollowUpAt, "follow_up_in", "follow_up_at")
			if err != nil {
				return nil, err
			}
			at = at.UTC()
			in.FollowUpAt = &at
		}
		to, err := s.Store.GetStaff(c.Request.Context(), req.ToID)
		if errors.Is(err, models.ErrNotFound) {
			return nil, invalidFields(FieldError{Field: "to_id", Message: "is not a member of staff"})
		}
		if err != nil {
			return nil, err
		}
		in.To = workflows.Recipient{
			ID: to.ID, Role: workflows.Role(to.Role), TeamID: teamOf(to), Authority: to.Authority,
			OnShift: to.OnShift, Active: to.Active,
		}
		return in, nil
	})(c)
}

type acceptRequest struct {
	Summary string `json:"summary" binding:"required,max=4000"`
}

func (s *server) accept(c *gin.Context) {
	command(s, workflows.UpdateAccept, http.StatusOK, func(c *gin.Context, _ models.Action, req acceptRequest) (any, error) {
		return workflows.AcceptInput{Actor: actorOf(principal(c)), Summary: req.Summary}, nil
	})(c)
}

type declineRequest struct {
	Reason string `json:"reason" binding:"required,max=2000"`
}

func (s *server) decline(c *gin.Context) {
	command(s, workflows.UpdateDecline, http.StatusOK, func(c *gin.Context, _ models.Action, req declineRequest) (any, error) {
		return workflows.DeclineInput{Actor: actorOf(principal(c)), Reason: req.Reason}, nil
	})(c)
}

type completeRequest struct {
	Outcome string `json:"outcome" binding:"required,max=4000"`
	Notes   string `json:"notes" binding:"max=4000"`
}

func (s *server) complete(c *gin.Context) {
	command(s, workflows.UpdateComplete, http.StatusOK, func(c *gin.Context, _ models.Action, req completeRequest) (any, error) {
		return workflows.CompleteInput{Actor: actorOf(principal(c)), Outcome: req.Outcome, Notes: req.Notes}, nil
	})(c)
}

type noteRequest struct {
	Text string `json:"text" binding:"required,max=4000"`
}

func (s *server) addNote(c *gin.Context) {
	command(s, workflows.UpdateNote, http.StatusCreated, func(c *gin.Context, _ models.Action, req noteRequest) (any, error) {
		return workflows.NoteInput{Actor: actorOf(principal(c)), Text: req.Text}, nil
	})(c)
}
