-- A person's own collection of profile photos ("camera roll"). The files live elsewhere; a row
-- holds the https URL the client uploaded to. A photo taken with the in-app camera makes the
-- profile "authentic" for 12 months from its upload.
CREATE TABLE profile_photos (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The client's key for an idempotent create, unique per person.
    request_id uuid NOT NULL,
    image_url text NOT NULL CHECK (image_url LIKE 'https://%'),
    taken_in_app boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    UNIQUE (user_id, request_id),
    -- The target of the social profile's (owner, photo) references below.
    UNIQUE (user_id, id)
);

CREATE INDEX profile_photos_newest ON profile_photos (user_id, created_at DESC, id DESC);
CREATE INDEX profile_photos_in_app ON profile_photos (user_id, created_at DESC) WHERE taken_in_app;

-- The current photo and face card are photos of the profile's own owner; deleting the photo
-- clears the reference (only the photo column: user_id stays).
ALTER TABLE social_profiles
    ADD CONSTRAINT social_profiles_current_photo
        FOREIGN KEY (user_id, current_photo_id) REFERENCES profile_photos (user_id, id)
        ON DELETE SET NULL (current_photo_id),
    ADD CONSTRAINT social_profiles_face_card_photo
        FOREIGN KEY (user_id, current_face_card_photo_id) REFERENCES profile_photos (user_id, id)
        ON DELETE SET NULL (current_face_card_photo_id);
