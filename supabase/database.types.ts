export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      api_keys: {
        Row: {
          created_at: string
          expires_at: string | null
          id: string
          last_used_at: string | null
          name: string
          prefix: string
          revoked_at: string | null
          user_id: string
        }
        Insert: {
          created_at?: string
          expires_at?: string | null
          id?: string
          last_used_at?: string | null
          name: string
          prefix: string
          revoked_at?: string | null
          user_id: string
        }
        Update: {
          created_at?: string
          expires_at?: string | null
          id?: string
          last_used_at?: string | null
          name?: string
          prefix?: string
          revoked_at?: string | null
          user_id?: string
        }
        Relationships: []
      }
      applications: {
        Row: {
          ai_tools: string[]
          applicant_id: string
          applicant_is_agent: boolean
          cover_letter: string
          created_at: string
          gig_id: string
          id: string
          portfolio_urls: string[]
          poster_id: string
          proposed_rate: number | null
          proposed_timeline: string | null
          status: string
          updated_at: string
        }
        Insert: {
          ai_tools?: string[]
          applicant_id?: string
          applicant_is_agent?: boolean
          cover_letter: string
          created_at?: string
          gig_id: string
          id?: string
          portfolio_urls?: string[]
          poster_id: string
          proposed_rate?: number | null
          proposed_timeline?: string | null
          status?: string
          updated_at?: string
        }
        Update: {
          ai_tools?: string[]
          applicant_id?: string
          applicant_is_agent?: boolean
          cover_letter?: string
          created_at?: string
          gig_id?: string
          id?: string
          portfolio_urls?: string[]
          poster_id?: string
          proposed_rate?: number | null
          proposed_timeline?: string | null
          status?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "applications_applicant_id_fkey"
            columns: ["applicant_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "applications_gig_id_fkey"
            columns: ["gig_id"]
            isOneToOne: false
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "applications_poster_id_fkey"
            columns: ["poster_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      comment_votes: {
        Row: {
          comment_id: string
          created_at: string
          updated_at: string
          user_id: string
          value: number
        }
        Insert: {
          comment_id: string
          created_at?: string
          updated_at?: string
          user_id: string
          value: number
        }
        Update: {
          comment_id?: string
          created_at?: string
          updated_at?: string
          user_id?: string
          value?: number
        }
        Relationships: [
          {
            foreignKeyName: "comment_votes_comment_id_fkey"
            columns: ["comment_id"]
            isOneToOne: false
            referencedRelation: "post_comments"
            referencedColumns: ["id"]
          },
        ]
      }
      conversation_participants: {
        Row: {
          conversation_id: string
          created_at: string
          last_activity_at: string
          last_read_at: string | null
          user_id: string
        }
        Insert: {
          conversation_id: string
          created_at?: string
          last_activity_at?: string
          last_read_at?: string | null
          user_id: string
        }
        Update: {
          conversation_id?: string
          created_at?: string
          last_activity_at?: string
          last_read_at?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "conversation_participants_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
        ]
      }
      conversations: {
        Row: {
          created_at: string
          gig_id: string | null
          gig_key: string
          id: string
          last_message_at: string | null
          updated_at: string
          user_high: string | null
          user_low: string | null
        }
        Insert: {
          created_at?: string
          gig_id?: string | null
          gig_key?: string
          id?: string
          last_message_at?: string | null
          updated_at?: string
          user_high?: string | null
          user_low?: string | null
        }
        Update: {
          created_at?: string
          gig_id?: string | null
          gig_key?: string
          id?: string
          last_message_at?: string | null
          updated_at?: string
          user_high?: string | null
          user_low?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "conversations_gig_id_fkey"
            columns: ["gig_id"]
            isOneToOne: false
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
        ]
      }
      endorsements: {
        Row: {
          comment: string | null
          created_at: string
          endorsed_id: string
          endorser_id: string
          id: string
          skill: string
        }
        Insert: {
          comment?: string | null
          created_at?: string
          endorsed_id: string
          endorser_id?: string
          id?: string
          skill: string
        }
        Update: {
          comment?: string | null
          created_at?: string
          endorsed_id?: string
          endorser_id?: string
          id?: string
          skill?: string
        }
        Relationships: [
          {
            foreignKeyName: "endorsements_endorsed_id_fkey"
            columns: ["endorsed_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "endorsements_endorser_id_fkey"
            columns: ["endorser_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      follows: {
        Row: {
          created_at: string
          followed_id: string
          follower_id: string
        }
        Insert: {
          created_at?: string
          followed_id: string
          follower_id?: string
        }
        Update: {
          created_at?: string
          followed_id?: string
          follower_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "follows_followed_id_fkey"
            columns: ["followed_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "follows_follower_id_fkey"
            columns: ["follower_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      gig_categories: {
        Row: {
          created_at: string
          name: string
          slug: string
        }
        Insert: {
          created_at?: string
          name: string
          slug: string
        }
        Update: {
          created_at?: string
          name?: string
          slug?: string
        }
        Relationships: []
      }
      gig_questions: {
        Row: {
          author_id: string
          body: string
          created_at: string
          deleted_at: string | null
          gig_id: string
          id: string
          parent_id: string | null
          poster_id: string
          updated_at: string
        }
        Insert: {
          author_id?: string
          body: string
          created_at?: string
          deleted_at?: string | null
          gig_id: string
          id?: string
          parent_id?: string | null
          poster_id: string
          updated_at?: string
        }
        Update: {
          author_id?: string
          body?: string
          created_at?: string
          deleted_at?: string | null
          gig_id?: string
          id?: string
          parent_id?: string | null
          poster_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "gig_questions_author_id_fkey"
            columns: ["author_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "gig_questions_gig_id_fkey"
            columns: ["gig_id"]
            isOneToOne: false
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "gig_questions_parent_id_fkey"
            columns: ["parent_id"]
            isOneToOne: false
            referencedRelation: "gig_questions"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "gig_questions_poster_id_fkey"
            columns: ["poster_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      gigs: {
        Row: {
          ai_tools_preferred: string[]
          applications_count: number
          budget_max: number | null
          budget_min: number | null
          budget_type: string
          category: string
          created_at: string
          currency: string
          description: string
          duration: string | null
          id: string
          location: string | null
          location_type: string
          positions: number
          poster_id: string
          published_at: string | null
          search_vector: unknown
          skills_required: string[]
          status: string
          title: string
          updated_at: string
          views_count: number
        }
        Insert: {
          ai_tools_preferred?: string[]
          applications_count?: number
          budget_max?: number | null
          budget_min?: number | null
          budget_type: string
          category: string
          created_at?: string
          currency?: string
          description: string
          duration?: string | null
          id?: string
          location?: string | null
          location_type?: string
          positions?: number
          poster_id?: string
          published_at?: string | null
          search_vector?: unknown
          skills_required: string[]
          status?: string
          title: string
          updated_at?: string
          views_count?: number
        }
        Update: {
          ai_tools_preferred?: string[]
          applications_count?: number
          budget_max?: number | null
          budget_min?: number | null
          budget_type?: string
          category?: string
          created_at?: string
          currency?: string
          description?: string
          duration?: string | null
          id?: string
          location?: string | null
          location_type?: string
          positions?: number
          poster_id?: string
          published_at?: string | null
          search_vector?: unknown
          skills_required?: string[]
          status?: string
          title?: string
          updated_at?: string
          views_count?: number
        }
        Relationships: [
          {
            foreignKeyName: "gigs_category_fkey"
            columns: ["category"]
            isOneToOne: false
            referencedRelation: "gig_categories"
            referencedColumns: ["slug"]
          },
          {
            foreignKeyName: "gigs_poster_id_fkey"
            columns: ["poster_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      messages: {
        Row: {
          attachments: NonNullable<Json>
          body: string
          conversation_id: string
          created_at: string
          deleted_at: string | null
          edited_at: string | null
          id: string
          recipient_id: string | null
          sender_id: string | null
          updated_at: string
        }
        Insert: {
          attachments?: NonNullable<Json>
          body: string
          conversation_id: string
          created_at?: string
          deleted_at?: string | null
          edited_at?: string | null
          id?: string
          recipient_id?: string | null
          sender_id?: string | null
          updated_at?: string
        }
        Update: {
          attachments?: NonNullable<Json>
          body?: string
          conversation_id?: string
          created_at?: string
          deleted_at?: string | null
          edited_at?: string | null
          id?: string
          recipient_id?: string | null
          sender_id?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "messages_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
        ]
      }
      notification_settings: {
        Row: {
          created_at: string
          email_application_received: boolean
          email_application_status: boolean
          email_billing: boolean
          email_call: boolean
          email_message_received: boolean
          email_questions: boolean
          email_review_received: boolean
          email_social: boolean
          email_verification: boolean
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          email_application_received?: boolean
          email_application_status?: boolean
          email_billing?: boolean
          email_call?: boolean
          email_message_received?: boolean
          email_questions?: boolean
          email_review_received?: boolean
          email_social?: boolean
          email_verification?: boolean
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          email_application_received?: boolean
          email_application_status?: boolean
          email_billing?: boolean
          email_call?: boolean
          email_message_received?: boolean
          email_questions?: boolean
          email_review_received?: boolean
          email_social?: boolean
          email_verification?: boolean
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      notifications: {
        Row: {
          body: string | null
          created_at: string
          data: NonNullable<Json>
          id: string
          read_at: string | null
          title: string
          type: string
          user_id: string
        }
        Insert: {
          body?: string | null
          created_at?: string
          data?: NonNullable<Json>
          id?: string
          read_at?: string | null
          title: string
          type: string
          user_id: string
        }
        Update: {
          body?: string | null
          created_at?: string
          data?: NonNullable<Json>
          id?: string
          read_at?: string | null
          title?: string
          type?: string
          user_id?: string
        }
        Relationships: []
      }
      payments: {
        Row: {
          amount_cents: number
          amount_refunded_cents: number
          created_at: string
          currency: string
          description: string | null
          hosted_invoice_url: string | null
          id: string
          status: string
          stripe_charge_id: string | null
          stripe_invoice_id: string
          stripe_payment_intent_id: string | null
          stripe_subscription_id: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          amount_cents: number
          amount_refunded_cents?: number
          created_at?: string
          currency: string
          description?: string | null
          hosted_invoice_url?: string | null
          id?: string
          status: string
          stripe_charge_id?: string | null
          stripe_invoice_id: string
          stripe_payment_intent_id?: string | null
          stripe_subscription_id?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          amount_cents?: number
          amount_refunded_cents?: number
          created_at?: string
          currency?: string
          description?: string | null
          hosted_invoice_url?: string | null
          id?: string
          status?: string
          stripe_charge_id?: string | null
          stripe_invoice_id?: string
          stripe_payment_intent_id?: string | null
          stripe_subscription_id?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      portfolio_items: {
        Row: {
          created_at: string
          description: string | null
          gig_id: string | null
          id: string
          image_path: string | null
          tags: string[]
          title: string
          updated_at: string
          url: string | null
          user_id: string
        }
        Insert: {
          created_at?: string
          description?: string | null
          gig_id?: string | null
          id?: string
          image_path?: string | null
          tags?: string[]
          title: string
          updated_at?: string
          url?: string | null
          user_id?: string
        }
        Update: {
          created_at?: string
          description?: string | null
          gig_id?: string | null
          id?: string
          image_path?: string | null
          tags?: string[]
          title?: string
          updated_at?: string
          url?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "portfolio_items_gig_id_fkey"
            columns: ["gig_id"]
            isOneToOne: false
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "portfolio_items_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      post_comments: {
        Row: {
          author_id: string | null
          body: string
          created_at: string
          deleted_at: string | null
          depth: number
          downvotes: number
          id: string
          parent_id: string | null
          post_id: string
          score: number
          updated_at: string
          upvotes: number
        }
        Insert: {
          author_id?: string | null
          body: string
          created_at?: string
          deleted_at?: string | null
          depth?: number
          downvotes?: number
          id?: string
          parent_id?: string | null
          post_id: string
          score?: number
          updated_at?: string
          upvotes?: number
        }
        Update: {
          author_id?: string | null
          body?: string
          created_at?: string
          deleted_at?: string | null
          depth?: number
          downvotes?: number
          id?: string
          parent_id?: string | null
          post_id?: string
          score?: number
          updated_at?: string
          upvotes?: number
        }
        Relationships: [
          {
            foreignKeyName: "post_comments_parent_id_fkey"
            columns: ["parent_id"]
            isOneToOne: false
            referencedRelation: "post_comments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "post_comments_post_id_fkey"
            columns: ["post_id"]
            isOneToOne: false
            referencedRelation: "posts"
            referencedColumns: ["id"]
          },
        ]
      }
      post_votes: {
        Row: {
          created_at: string
          post_id: string
          updated_at: string
          user_id: string
          value: number
        }
        Insert: {
          created_at?: string
          post_id: string
          updated_at?: string
          user_id: string
          value: number
        }
        Update: {
          created_at?: string
          post_id?: string
          updated_at?: string
          user_id?: string
          value?: number
        }
        Relationships: [
          {
            foreignKeyName: "post_votes_post_id_fkey"
            columns: ["post_id"]
            isOneToOne: false
            referencedRelation: "posts"
            referencedColumns: ["id"]
          },
        ]
      }
      posts: {
        Row: {
          author_id: string
          body: string
          comments_count: number
          created_at: string
          deleted_at: string | null
          downvotes: number
          hot_rank: number
          id: string
          kind: string
          score: number
          tags: string[]
          updated_at: string
          upvotes: number
          url: string | null
        }
        Insert: {
          author_id?: string
          body: string
          comments_count?: number
          created_at?: string
          deleted_at?: string | null
          downvotes?: number
          hot_rank?: number
          id?: string
          kind?: string
          score?: number
          tags?: string[]
          updated_at?: string
          upvotes?: number
          url?: string | null
        }
        Update: {
          author_id?: string
          body?: string
          comments_count?: number
          created_at?: string
          deleted_at?: string | null
          downvotes?: number
          hot_rank?: number
          id?: string
          kind?: string
          score?: number
          tags?: string[]
          updated_at?: string
          upvotes?: number
          url?: string | null
        }
        Relationships: []
      }
      profiles: {
        Row: {
          account_type: string
          agent_description: string | null
          agent_operator_url: string | null
          agent_source_url: string | null
          agent_version: string | null
          ai_tools: string[]
          avatar_url: string | null
          bio: string | null
          created_at: string
          currency: string
          followers_count: number
          following_count: number
          full_name: string | null
          github_url: string | null
          headline: string | null
          hourly_rate: number | null
          id: string
          is_available: boolean
          is_verified: boolean
          last_active_at: string | null
          linkedin_url: string | null
          location: string | null
          profile_completed: boolean | null
          rating_avg: number | null
          rating_count: number
          reputation: number
          skills: string[]
          timezone: string | null
          updated_at: string
          username: string
          verification_type: string | null
          verified_at: string | null
          website: string | null
        }
        Insert: {
          account_type?: string
          agent_description?: string | null
          agent_operator_url?: string | null
          agent_source_url?: string | null
          agent_version?: string | null
          ai_tools?: string[]
          avatar_url?: string | null
          bio?: string | null
          created_at?: string
          currency?: string
          followers_count?: number
          following_count?: number
          full_name?: string | null
          github_url?: string | null
          headline?: string | null
          hourly_rate?: number | null
          id: string
          is_available?: boolean
          is_verified?: boolean
          last_active_at?: string | null
          linkedin_url?: string | null
          location?: string | null
          profile_completed?: never
          rating_avg?: number | null
          rating_count?: number
          reputation?: number
          skills?: string[]
          timezone?: string | null
          updated_at?: string
          username: string
          verification_type?: string | null
          verified_at?: string | null
          website?: string | null
        }
        Update: {
          account_type?: string
          agent_description?: string | null
          agent_operator_url?: string | null
          agent_source_url?: string | null
          agent_version?: string | null
          ai_tools?: string[]
          avatar_url?: string | null
          bio?: string | null
          created_at?: string
          currency?: string
          followers_count?: number
          following_count?: number
          full_name?: string | null
          github_url?: string | null
          headline?: string | null
          hourly_rate?: number | null
          id?: string
          is_available?: boolean
          is_verified?: boolean
          last_active_at?: string | null
          linkedin_url?: string | null
          location?: string | null
          profile_completed?: never
          rating_avg?: number | null
          rating_count?: number
          reputation?: number
          skills?: string[]
          timezone?: string | null
          updated_at?: string
          username?: string
          verification_type?: string | null
          verified_at?: string | null
          website?: string | null
        }
        Relationships: []
      }
      reviews: {
        Row: {
          comment: string | null
          created_at: string
          gig_id: string
          id: string
          rating: number
          reviewee_id: string
          reviewer_id: string
          updated_at: string
        }
        Insert: {
          comment?: string | null
          created_at?: string
          gig_id: string
          id?: string
          rating: number
          reviewee_id: string
          reviewer_id?: string
          updated_at?: string
        }
        Update: {
          comment?: string | null
          created_at?: string
          gig_id?: string
          id?: string
          rating?: number
          reviewee_id?: string
          reviewer_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "reviews_gig_id_fkey"
            columns: ["gig_id"]
            isOneToOne: false
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_reviewee_id_fkey"
            columns: ["reviewee_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_reviewer_id_fkey"
            columns: ["reviewer_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      saved_gigs: {
        Row: {
          created_at: string
          gig_id: string
          user_id: string
        }
        Insert: {
          created_at?: string
          gig_id: string
          user_id?: string
        }
        Update: {
          created_at?: string
          gig_id?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "saved_gigs_gig_id_fkey"
            columns: ["gig_id"]
            isOneToOne: false
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "saved_gigs_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      subscriptions: {
        Row: {
          cancel_at_period_end: boolean
          canceled_at: string | null
          created_at: string
          current_period_end: string | null
          current_period_start: string | null
          plan: string
          price_id: string | null
          status: string
          stripe_customer_id: string | null
          stripe_event_created: string | null
          stripe_event_id: string | null
          stripe_event_rank: number | null
          stripe_subscription_id: string | null
          trial_end: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          cancel_at_period_end?: boolean
          canceled_at?: string | null
          created_at?: string
          current_period_end?: string | null
          current_period_start?: string | null
          plan?: string
          price_id?: string | null
          status?: string
          stripe_customer_id?: string | null
          stripe_event_created?: string | null
          stripe_event_id?: string | null
          stripe_event_rank?: number | null
          stripe_subscription_id?: string | null
          trial_end?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          cancel_at_period_end?: boolean
          canceled_at?: string | null
          created_at?: string
          current_period_end?: string | null
          current_period_start?: string | null
          plan?: string
          price_id?: string | null
          status?: string
          stripe_customer_id?: string | null
          stripe_event_created?: string | null
          stripe_event_id?: string | null
          stripe_event_rank?: number | null
          stripe_subscription_id?: string | null
          trial_end?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      tag_follows: {
        Row: {
          created_at: string
          tag: string
          user_id: string
        }
        Insert: {
          created_at?: string
          tag: string
          user_id?: string
        }
        Update: {
          created_at?: string
          tag?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "tag_follows_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      user_blocks: {
        Row: {
          blocked_id: string
          blocker_id: string
          created_at: string
        }
        Insert: {
          blocked_id: string
          blocker_id?: string
          created_at?: string
        }
        Update: {
          blocked_id?: string
          blocker_id?: string
          created_at?: string
        }
        Relationships: []
      }
      verification_requests: {
        Row: {
          created_at: string
          decided_at: string | null
          evidence: string
          id: string
          note: string | null
          status: string
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          decided_at?: string | null
          evidence: string
          id?: string
          note?: string | null
          status?: string
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          decided_at?: string | null
          evidence?: string
          id?: string
          note?: string | null
          status?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "verification_requests_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      video_calls: {
        Row: {
          application_id: string | null
          conversation_id: string | null
          created_at: string
          duration_minutes: number
          ended_at: string | null
          gig_id: string | null
          guest_id: string
          host_id: string
          id: string
          room_name: string
          scheduled_at: string
          started_at: string | null
          status: string
          updated_at: string
        }
        Insert: {
          application_id?: string | null
          conversation_id?: string | null
          created_at?: string
          duration_minutes?: number
          ended_at?: string | null
          gig_id?: string | null
          guest_id: string
          host_id?: string
          id?: string
          room_name?: string
          scheduled_at: string
          started_at?: string | null
          status?: string
          updated_at?: string
        }
        Update: {
          application_id?: string | null
          conversation_id?: string | null
          created_at?: string
          duration_minutes?: number
          ended_at?: string | null
          gig_id?: string | null
          guest_id?: string
          host_id?: string
          id?: string
          room_name?: string
          scheduled_at?: string
          started_at?: string | null
          status?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "video_calls_application_id_fkey"
            columns: ["application_id"]
            isOneToOne: false
            referencedRelation: "applications"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "video_calls_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "video_calls_gig_id_fkey"
            columns: ["gig_id"]
            isOneToOne: false
            referencedRelation: "gigs"
            referencedColumns: ["id"]
          },
        ]
      }
      webhook_deliveries: {
        Row: {
          attempts: number
          claim_token: string | null
          claimed_by: string | null
          created_at: string
          delivered_at: string | null
          event_type: string
          id: string
          last_error: string | null
          last_status_code: number | null
          next_attempt_at: string
          payload: NonNullable<Json>
          status: string
          user_id: string
          webhook_id: string
        }
        Insert: {
          attempts?: number
          claim_token?: string | null
          claimed_by?: string | null
          created_at?: string
          delivered_at?: string | null
          event_type: string
          id?: string
          last_error?: string | null
          last_status_code?: number | null
          next_attempt_at?: string
          payload: NonNullable<Json>
          status?: string
          user_id: string
          webhook_id: string
        }
        Update: {
          attempts?: number
          claim_token?: string | null
          claimed_by?: string | null
          created_at?: string
          delivered_at?: string | null
          event_type?: string
          id?: string
          last_error?: string | null
          last_status_code?: number | null
          next_attempt_at?: string
          payload?: NonNullable<Json>
          status?: string
          user_id?: string
          webhook_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "webhook_deliveries_webhook_id_fkey"
            columns: ["webhook_id"]
            isOneToOne: false
            referencedRelation: "webhooks"
            referencedColumns: ["id"]
          },
        ]
      }
      webhooks: {
        Row: {
          active: boolean
          created_at: string
          description: string | null
          disabled_reason: string | null
          events: string[]
          id: string
          updated_at: string
          url: string
          user_id: string
        }
        Insert: {
          active?: boolean
          created_at?: string
          description?: string | null
          disabled_reason?: string | null
          events: string[]
          id?: string
          updated_at?: string
          url: string
          user_id: string
        }
        Update: {
          active?: boolean
          created_at?: string
          description?: string | null
          disabled_reason?: string | null
          events?: string[]
          id?: string
          updated_at?: string
          url?: string
          user_id?: string
        }
        Relationships: []
      }
      work_history: {
        Row: {
          company: string
          created_at: string
          description: string | null
          end_date: string | null
          id: string
          start_date: string
          title: string
          updated_at: string
          user_id: string
        }
        Insert: {
          company: string
          created_at?: string
          description?: string | null
          end_date?: string | null
          id?: string
          start_date: string
          title: string
          updated_at?: string
          user_id?: string
        }
        Update: {
          company?: string
          created_at?: string
          description?: string | null
          end_date?: string | null
          id?: string
          start_date?: string
          title?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "work_history_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      agent_leaderboard: {
        Args: { page_size?: number; period?: string }
        Returns: {
          accepted_applications: number
          agent_description: string
          avatar_url: string
          full_name: string
          rank: number
          rating_avg: number
          rating_count: number
          user_id: string
          username: string
        }[]
      }
      bulk_set_application_status: {
        Args: { application_ids: string[]; status: string }
        Returns: {
          ai_tools: string[]
          applicant_id: string
          applicant_is_agent: boolean
          cover_letter: string
          created_at: string
          gig_id: string
          id: string
          portfolio_urls: string[]
          poster_id: string
          proposed_rate: number | null
          proposed_timeline: string | null
          status: string
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "applications"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      create_api_key: {
        Args: { expires_at?: string; name: string }
        Returns: Json
      }
      create_webhook: {
        Args: { description?: string; events: string[]; url: string }
        Returns: Json
      }
      endorsement_counts: {
        Args: { user_id: string }
        Returns: {
          endorsements: number
          skill: string
        }[]
      }
      feed: {
        Args: {
          cursor?: string
          page_size?: number
          sort?: string
          tag?: string
          window?: string
        }
        Returns: {
          author: Json
          author_id: string
          body: string
          comments_count: number
          created_at: string
          downvotes: number
          id: string
          kind: string
          my_vote: number
          next_cursor: string
          score: number
          tags: string[]
          updated_at: string
          upvotes: number
          url: string
        }[]
      }
      mark_all_notifications_read: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      mark_conversation_read: {
        Args: { conversation_id: string }
        Returns: string
      }
      my_applications: {
        Args: {
          before_created_at?: string
          before_id?: string
          page_size?: number
          role?: string
        }
        Returns: {
          ai_tools: string[]
          applicant_id: string
          applicant_is_agent: boolean
          cover_letter: string
          created_at: string
          gig_id: string
          id: string
          portfolio_urls: string[]
          poster_id: string
          proposed_rate: number | null
          proposed_timeline: string | null
          status: string
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "applications"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      my_conversations: {
        Args: { cursor?: string; page_size?: number }
        Returns: {
          conversation_id: string
          created_at: string
          gig_id: string
          last_message: Json
          last_message_at: string
          last_read_at: string
          next_cursor: string
          other_participant: Json
          unread_count: number
        }[]
      }
      record_gig_view: { Args: { gig_id: string }; Returns: boolean }
      redeliver_webhook_delivery: { Args: { id: string }; Returns: undefined }
      request_verification: { Args: { evidence?: string }; Returns: Json }
      review_verification_request: {
        Args: { approve: boolean; id: string; note?: string }
        Returns: Json
      }
      revoke_api_key: { Args: { id: string }; Returns: undefined }
      rotate_webhook_secret: { Args: { id: string }; Returns: Json }
      search_gigs: {
        Args: {
          budget_max?: number
          budget_min?: number
          budget_type?: string
          category?: string
          cursor?: string
          location_type?: string
          page_size?: number
          q?: string
          skills?: string[]
          sort?: string
        }
        Returns: Database["public"]["CompositeTypes"]["gig_search_result"][]
        SetofOptions: {
          from: "*"
          to: "gig_search_result"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      set_application_status: {
        Args: { application_id: string; status: string }
        Returns: {
          ai_tools: string[]
          applicant_id: string
          applicant_is_agent: boolean
          cover_letter: string
          created_at: string
          gig_id: string
          id: string
          portfolio_urls: string[]
          poster_id: string
          proposed_rate: number | null
          proposed_timeline: string | null
          status: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "applications"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      start_conversation: {
        Args: { gig_id?: string; other_user_id: string }
        Returns: string
      }
      vote_comment: {
        Args: { comment_id: string; value: number }
        Returns: Json
      }
      vote_post: { Args: { post_id: string; value: number }; Returns: Json }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      gig_search_result: {
        id: string | null
        poster_id: string | null
        title: string | null
        description: string | null
        category: string | null
        skills_required: string[] | null
        ai_tools_preferred: string[] | null
        budget_type: string | null
        budget_min: number | null
        budget_max: number | null
        currency: string | null
        duration: string | null
        location_type: string | null
        location: string | null
        positions: number | null
        status: string | null
        published_at: string | null
        applications_count: number | null
        views_count: number | null
        created_at: string | null
        rank: number | null
        next_cursor: string | null
      }
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const

