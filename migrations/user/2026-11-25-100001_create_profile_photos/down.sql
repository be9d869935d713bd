ALTER TABLE social_profiles
    DROP CONSTRAINT social_profiles_face_card_photo,
    DROP CONSTRAINT social_profiles_current_photo;
DROP TABLE profile_photos;
