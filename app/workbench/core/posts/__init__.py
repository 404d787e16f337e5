"""Posts: importing social-media exports into an incident, and reading posts and accounts back.

- `importers`: one module per export format (`sniff`, `parse` -> `ParsedAccount`/`ParsedPost`/`RecordError`) and the
  registry (`detect`, `parse`, `FORMATS`);
- `store`: `import_export`, `import_manual_post`, `saved_mappings`, `add_timeline_event` (audited writes);
- `queries`: plain records for panels and the report (`posts`, `post`, `find_post`, `accounts`, `thread`,
  `account_card`, `posts_carrying`, `post_raw`, `imports`).

The raw record is kept beside each parsed post (`post.raw_json`, the record's JSON with its keys and values as the
export wrote them); the export file itself is kept byte for byte as a media item (`post_import.source_media_id`).
"""
