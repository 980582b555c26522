CREATE TABLE "support_chats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"last_message_at" timestamp with time zone,
	"last_user_message_at" timestamp with time zone,
	"admin_viewed_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"emailed_seq" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_chats_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "support_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"chat_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"to_address" text NOT NULL,
	"from_seq" bigint NOT NULL,
	"up_to_seq" bigint NOT NULL,
	"provider_message_id" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"chat_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"client_id" text NOT NULL,
	"content" text NOT NULL,
	"sender_type" text NOT NULL,
	"sender_id" uuid,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_messages_sender_type_check" CHECK ("support_messages"."sender_type" in ('user', 'admin')),
	CONSTRAINT "support_messages_content_check" CHECK (length("support_messages"."content") > 0)
);
--> statement-breakpoint
CREATE TABLE "support_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"external_id" text NOT NULL,
	"email" text,
	"name" text,
	"locale" text,
	"unsubscribed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_users_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
ALTER TABLE "support_chats" ADD CONSTRAINT "support_chats_user_id_support_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."support_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_emails" ADD CONSTRAINT "support_emails_chat_id_support_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."support_chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_emails" ADD CONSTRAINT "support_emails_user_id_support_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."support_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_messages" ADD CONSTRAINT "support_messages_chat_id_support_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."support_chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_messages" ADD CONSTRAINT "support_messages_sender_id_support_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."support_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "support_chats_last_message_at_idx" ON "support_chats" USING btree ("last_message_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "support_chats_archived_at_idx" ON "support_chats" USING btree ("archived_at");--> statement-breakpoint
CREATE UNIQUE INDEX "support_emails_chat_up_to_seq_key" ON "support_emails" USING btree ("chat_id","up_to_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "support_messages_chat_seq_key" ON "support_messages" USING btree ("chat_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "support_messages_chat_client_id_key" ON "support_messages" USING btree ("chat_id","client_id");--> statement-breakpoint
CREATE INDEX "support_messages_chat_created_at_idx" ON "support_messages" USING btree ("chat_id","created_at");