package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// ErrOtherReadModel is a start refused because the read model and the Temporal namespace are not
// one deployment's: a process going on would write and read actions apart from the others.
var ErrOtherReadModel = errors.New("the read model is not this Temporal namespace's")

// serveReadModel makes sure, before a process reads or writes actions, that the read model in
// store holds the actions of the Temporal namespace it runs against, and records that namespace in
// a read model that does not say one yet. A worker given another deployment's database (or a new,
// empty one) would otherwise take its share of every action's work and write it there, while the
// API answered each command: the read model of the rest would fall behind for those actions, in
// silence. A read model that says no namespace and holds actions is one of a release before this
// record: it is taken as the namespace's. One that holds none beside a namespace that has actions is
// a new database given by mistake, or a lost read model being rebuilt, which `handover admin
// reproject` does (and then records the namespace).
func serveReadModel(ctx context.Context, tc client.Client, namespace string, store *models.Store) error {
	id, served, err := namespaceServed(ctx, tc, namespace, store)
	if err != nil || served != nil {
		return err
	}
	has, err := store.HasActions(ctx)
	if err != nil {
		return err
	}
	if !has {
		page, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, Query: fmt.Sprintf("WorkflowType = '%s'", workflows.ActionWorkflowName), PageSize: 1,
		})
		if err != nil {
			return fmt.Errorf("looking for actions in Temporal namespace %q: %w", namespace, err)
		}
		if len(page.GetExecutions()) > 0 {
			return fmt.Errorf("%w: it holds no action, while namespace %q holds some (%s). Point HANDOVER_DATABASE_URL at the read model the other processes of this deployment use; "+
				"to rebuild a lost read model into this new database, run `handover admin reproject` with these settings first",
				ErrOtherReadModel, namespace, page.GetExecutions()[0].GetExecution().GetWorkflowId())
		}
	}
	return recordServed(ctx, store, id, namespace)
}

// namespaceServed reads the ID of the namespace and the one the read model serves (nil: none
// recorded yet), refusing a read model that serves another.
func namespaceServed(ctx context.Context, tc client.Client, namespace string, store *models.Store) (string, *models.ServedNamespace, error) {
	desc, err := tc.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		return "", nil, fmt.Errorf("reading Temporal namespace %q: %w", namespace, err)
	}
	id := desc.GetNamespaceInfo().GetId()
	served, err := store.ServedNamespace(ctx)
	if err != nil {
		return "", nil, err
	}
	if served != nil && served.NamespaceID != id {
		return "", nil, otherNamespace(served, id, namespace)
	}
	return id, served, nil
}

// recordServed records the namespace in a read model that says none, and refuses the start when a
// process starting at the same moment recorded another.
func recordServed(ctx context.Context, store *models.Store, id, namespace string) error {
	served, err := store.ServeNamespace(ctx, id, namespace, time.Now())
	if err != nil {
		return err
	}
	if served.NamespaceID != id {
		return otherNamespace(served, id, namespace)
	}
	return nil
}

func otherNamespace(served *models.ServedNamespace, id, namespace string) error {
	return fmt.Errorf("%w: it holds the actions of Temporal namespace %q (ID %s) since %s, and namespace %q here has ID %s. "+
		"Point HANDOVER_DATABASE_URL and HANDOVER_TEMPORAL_ADDRESS / HANDOVER_TEMPORAL_NAMESPACE at one deployment's: each deployment (production, staging) needs its own namespace and read model; "+
		"for a namespace set up anew (a new Temporal cluster) that this read model is to serve from now on, run `handover admin reproject --take-over` with these settings",
		ErrOtherReadModel, served.Namespace, served.NamespaceID, served.BoundAt.UTC().Format(time.RFC3339), namespace, id)
}
