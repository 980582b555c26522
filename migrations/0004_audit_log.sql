CREATE TABLE "support_audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"subject_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "support_audit_log_subject_idx" ON "support_audit_log" USING btree ("subject_user_id");--> statement-breakpoint
CREATE INDEX "support_audit_log_created_at_idx" ON "support_audit_log" USING btree ("created_at");