export type IconName =
  | 'home'
  | 'chat'
  | 'matching'
  | 'mates'
  | 'sessions'
  | 'schedule'
  | 'statistics'
  | 'achievements'
  | 'notifications'
  | 'levelTest'
  | 'profile'
  | 'settings'
  | 'admin'
  | 'more';

// Simple 24×24 stroke outlines drawn for STUDYMATE's navigation.
const PATHS: Record<IconName, string> = {
  home: 'M3 11 12 4l9 7M5 10v10h5v-6h4v6h5V10',
  chat: 'M4 5h16v11H9l-5 4z',
  matching: 'M8 8a3 3 0 1 0 0 .01M16 8a3 3 0 1 0 0 .01M3 19c0-3 2.5-5 5-5s5 2 5 5M11 19c0-3 2.5-5 5-5s5 2 5 5',
  mates: 'M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z',
  sessions: 'M3 7h12v10H3zM15 10l6-3v10l-6-3',
  schedule: 'M4 6h16v14H4zM4 10h16M9 3v4M15 3v4',
  statistics: 'M5 20V11M12 20V5M19 20v-7',
  achievements: 'M8 4h8v5a4 4 0 0 1-8 0zM12 13v4M8 20h8M8 6H5a3 3 0 0 0 3 4M16 6h3a3 3 0 0 1-3 4',
  notifications: 'M6 17V11a6 6 0 0 1 12 0v6l2 2H4zM10 21h4',
  levelTest: 'M12 4a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0V7a3 3 0 0 0-3-3zM6 12a6 6 0 0 0 12 0M12 18v3',
  profile: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.5-6 8-6s8 2 8 6',
  settings: 'M4 7h10M18 7h2M4 17h2M10 17h10M16 5v4M8 15v4',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
  admin: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM9 12l2 2 4-4',
};

export function Icon({ name, className = 'size-6' }: { name: IconName; className?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={name === 'more' ? 3 : 1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      aria-hidden="true"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
